using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Threading;
using YieldLoop;

// A fixed-timestep game loop that owns time. Each fixed step moves a ManualClock on by Step and calls loop.Tick(),
// which runs the coroutines that are due and returns at once; then the physics moves the entities. The steps follow
// real time (an accumulator of elapsed time), but what happens in them depends only on the step count, so every run
// plays the same.
const double Step = 1.0 / 60;      // 60 fixed steps a second
const int MaxStepsPerFrame = 5;    // a slow frame catches up at most this much: no spiral of death

var clock = new ManualClock();
var loop = new EventLoop(clock, "YieldLoopGame");
var drone = new Entity("drone");
LoopTask patrol = loop.Start(Patrol(drone, clock), "patrol");

var watch = Stopwatch.StartNew();
double accumulator = 0;
double previous = 0;
int steps = 0;
while (!patrol.IsCompleted)
{
    double now = watch.Elapsed.TotalSeconds;
    accumulator += Math.Min(now - previous, MaxStepsPerFrame * Step);
    previous = now;
    while (accumulator >= Step && !patrol.IsCompleted)
    {
        clock.Advance(Step);       // one fixed step of game time
        loop.Tick();               // due timers and ready coroutines, then back to the game
        drone.Update(Step);        // physics: the coroutine only steers
        accumulator -= Step;
        steps++;
    }

    // Render here (a frame per outer loop); this sample prints from the coroutine instead.
    Thread.Sleep(1);               // give the rest of the frame back to the machine
}

patrol.GetResult();                // a coroutine that failed throws its exception here
loop.Close();
Console.WriteLine($"Game over after {steps} fixed steps; the {drone.Name} is back at x = {Format(drone.X)}.");

// The drone's script: plain waits across many frames, no state machine.
static IEnumerator<IAwaitable> Patrol(Entity drone, ManualClock clock)
{
    for (int leg = 1; leg <= 2; leg++)
    {
        drone.Velocity = 4;        // cells a second, to the right
        yield return Co.Sleep(1.0);
        Report(drone, clock, "turns");
        drone.Velocity = -4;
        yield return Co.Sleep(1.0);
        Report(drone, clock, "turns");
        drone.Velocity = 0;
        yield return Co.Sleep(0.25);   // a rest, standing still
        Report(drone, clock, $"ends leg {leg}");
    }
}

static void Report(Entity entity, ManualClock clock, string what) =>
    Console.WriteLine($"{Format(clock.Now.TotalSeconds)} s  {entity.Name} at x = {Format(entity.X)}  {what}");

// Rounded first, and + 0.0 turns a rounded -0 into 0: no "-0.00" from a sum of steps that ends a hair below zero.
static string Format(double value) => (Math.Round(value, 2) + 0.0).ToString("0.00", CultureInfo.InvariantCulture);

/// <summary>A simulated entity: the physics moves it by its velocity each fixed step.</summary>
internal sealed class Entity
{
    public Entity(string name) => Name = name;

    public string Name { get; }

    public double X { get; private set; }

    public double Velocity { get; set; }

    public void Update(double seconds) => X += Velocity * seconds;
}
