using HvFleet.Agent.Jobs;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddSqliteJobStore(builder.Configuration);
builder.Services.AddJobEngine(builder.Configuration);

var app = builder.Build();
await app.RunAsync();
