// Snippet of docs/embedding.md, section "Godot". Compiled against the fakes in FakeHosts.cs, with nullable reference
// types off as in a default Godot C# project.
#nullable disable

// <snippet:godot-node>
using Godot;
using YieldLoop;

namespace MyGame;

// Register it as an autoload named "YieldLoop"; other nodes reach it with GetNode<YieldLoopNode>("/root/YieldLoop").
public partial class YieldLoopNode : Node
{
    private readonly ManualClock _clock = new();

    public EventLoop Loop { get; private set; }
    public GameClock World { get; private set; }
    public LoopPhase Physics { get; private set; }

    public override void _Ready()
    {
        ProcessMode = ProcessModeEnum.Always;   // keep ticking while the scene tree is paused
        Loop = new EventLoop(_clock, "godot-main");
        Loop.UnhandledExceptionHandler = e => GD.PushError(e.ToString());
        World = new GameClock(Loop, "world");
        Physics = new LoopPhase(Loop, "Physics");
    }

    public override void _PhysicsProcess(double delta) => Physics.Run();

    public override void _Process(double delta)
    {
        _clock.Advance(delta);
        Loop.Tick();
    }

    public override void _ExitTree() => Loop.Close();
}
// </snippet:godot-node>
