using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace YieldLoop.Analyzers;

/// <summary>
/// YL0005: one iterator variable (local, parameter or field of type <c>IEnumerator&lt;IAwaitable&gt;</c>) handed to a
/// YieldLoop method that runs it (<c>Start</c> of EventLoop, Scope, GameClock or TaskGroup, <c>Co.Call</c>,
/// <c>Co.WhenAll</c>, <c>RunUntilComplete</c>, ...) and then handed again on a path with no new value stored in it.
/// </summary>
/// <remarks>
/// <para>The check follows the method's control-flow graph, so a start in the <c>if</c> branch and one in the
/// <c>else</c> branch, or a start after <c>return</c>, are not reported, while a start inside a loop that never makes a new
/// iterator is (its second pass starts the same iterator). Any assignment to the variable (or passing it by
/// <c>ref</c>/<c>out</c>) between the two starts counts as a new iterator.</para>
/// <para>Each function body is analysed on its own (local functions included); a lambda's body is not analysed.
/// Exception paths (catch and finally blocks) are not followed, which can only hide a report, never invent one.</para>
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DoubleStartAnalyzer : CoroutineAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.StartedTwice);

    /// <inheritdoc/>
    private protected override void Register(CompilationStartAnalysisContext start, CoroutineTypes types) =>
        start.RegisterOperationAction(c => AnalyzeBody(c, types), OperationKind.MethodBody, OperationKind.ConstructorBody);

    private static void AnalyzeBody(OperationAnalysisContext context, CoroutineTypes types)
    {
        // Cheap filter first: most bodies never hand a stored iterator to YieldLoop, and need no graph.
        bool any = false;
        foreach (IOperation operation in context.Operation.Descendants())
        {
            if (operation is IInvocationOperation invocation && IsRunner(invocation, types))
            {
                any = true;
                break;
            }
        }

        if (!any)
        {
            return;
        }

        ControlFlowGraph graph = context.Operation switch
        {
            IMethodBodyOperation method => ControlFlowGraph.Create(method, context.CancellationToken),
            IConstructorBodyOperation constructor => ControlFlowGraph.Create(constructor, context.CancellationToken),
            _ => null!,
        };
        if (graph is null)
        {
            return;
        }

        var reported = new HashSet<Location>();
        AnalyzeGraph(context, graph, types, reported);
    }

    private static void AnalyzeGraph(OperationAnalysisContext context, ControlFlowGraph graph, CoroutineTypes types, HashSet<Location> reported)
    {
        // Events in evaluation order, per basic block: a start of an iterator symbol, or a store into one.
        var events = new List<Event>[graph.Blocks.Length];
        bool anyStart = false;
        foreach (BasicBlock block in graph.Blocks)
        {
            var list = new List<Event>();
            foreach (IOperation operation in block.Operations)
            {
                Collect(operation, types, list);
            }

            if (block.BranchValue is not null)
            {
                Collect(block.BranchValue, types, list);
            }

            anyStart |= list.Exists(e => e.IsStart);
            events[block.Ordinal] = list;
        }

        if (anyStart)
        {
            foreach (BasicBlock block in graph.Blocks)
            {
                List<Event> list = events[block.Ordinal];
                for (int i = 0; i < list.Count; i++)
                {
                    if (list[i].IsStart)
                    {
                        FindLaterStart(context, graph, events, block.Ordinal, i, reported);
                    }
                }
            }
        }

        foreach (IMethodSymbol localFunction in graph.LocalFunctions)
        {
            AnalyzeGraph(context, graph.GetLocalFunctionControlFlowGraph(localFunction, context.CancellationToken), types, reported);
        }
    }

    /// <summary>Walks forward from the start at <paramref name="index"/> of block <paramref name="ordinal"/>; reports the
    /// first start of the same symbol reached with no store in between, on each path.</summary>
    private static void FindLaterStart(OperationAnalysisContext context, ControlFlowGraph graph, List<Event>[] events, int ordinal, int index, HashSet<Location> reported)
    {
        Event first = events[ordinal][index];
        if (ScanBlock(context, events[ordinal], index + 1, first, reported))
        {
            return;   // stopped inside the block: a store or a second start
        }

        var visited = new HashSet<int>();
        var work = new Stack<int>();
        PushSuccessors(graph.Blocks[ordinal], work);
        while (work.Count > 0)
        {
            int next = work.Pop();
            if (!visited.Add(next))
            {
                continue;
            }

            if (!ScanBlock(context, events[next], 0, first, reported))
            {
                PushSuccessors(graph.Blocks[next], work);
            }
        }
    }

    /// <summary>Scans a block's events from <paramref name="from"/>; returns whether the path stops in it.</summary>
    private static bool ScanBlock(OperationAnalysisContext context, List<Event> list, int from, Event first, HashSet<Location> reported)
    {
        for (int i = from; i < list.Count; i++)
        {
            Event e = list[i];
            if (!SymbolEqualityComparer.Default.Equals(e.Symbol, first.Symbol))
            {
                continue;
            }

            if (e.IsStart && reported.Add(e.Location))
            {
                int line = first.Location.GetLineSpan().StartLinePosition.Line + 1;
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.StartedTwice, e.Location, e.Symbol.Name, e.Runner, line));
            }

            return true;
        }

        return false;
    }

    private static void PushSuccessors(BasicBlock block, Stack<int> work)
    {
        if (block.FallThroughSuccessor?.Destination is { } fallThrough)
        {
            work.Push(fallThrough.Ordinal);
        }

        if (block.ConditionalSuccessor?.Destination is { } conditional)
        {
            work.Push(conditional.Ordinal);
        }
    }

    private static void Collect(IOperation root, CoroutineTypes types, List<Event> list)
    {
        // Pre-order matches evaluation order closely enough here: a store and a start of the same variable never share
        // one expression in code worth supporting.
        var stack = new Stack<IOperation>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            IOperation operation = stack.Pop();
            if (operation is IFlowAnonymousFunctionOperation)
            {
                continue;   // a lambda body runs at another time; it is not part of this graph
            }

            switch (operation)
            {
                case IInvocationOperation invocation when IsRunner(invocation, types):
                    AddStarts(invocation, types, list);
                    break;
                case IAssignmentOperation assignment when IteratorSymbol(assignment.Target) is { } assigned:
                    list.Add(new Event(assigned, null, assignment.Syntax.GetLocation()));
                    break;
                case IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument when IteratorSymbol(argument.Value) is { } passed:
                    list.Add(new Event(passed, null, argument.Syntax.GetLocation()));
                    break;
            }

            // Children in reverse so they pop in source order. IOperation.Children, not the newer ChildOperations: the
            // analyzer builds against Roslyn 3.7 so that Unity can load it (Engine.Analyzers.csproj).
            var children = new List<IOperation>(operation.Children);
            for (int i = children.Count - 1; i >= 0; i--)
            {
                stack.Push(children[i]);
            }
        }
    }

    private static void AddStarts(IInvocationOperation invocation, CoroutineTypes types, List<Event> list)
    {
        string runner = invocation.TargetMethod.ContainingType.Name + "." + invocation.TargetMethod.Name;
        foreach (IArgumentOperation argument in invocation.Arguments)
        {
            if (types.IsCoroutine(argument.Parameter?.Type))
            {
                AddStart(argument.Value, runner, list);
            }
            else if (argument.Parameter?.Type is IArrayTypeSymbol array && types.IsCoroutine(array.ElementType)
                && argument.Value is IArrayCreationOperation { Initializer: { } initializer })
            {
                foreach (IOperation element in initializer.ElementValues)
                {
                    AddStart(element, runner, list);
                }
            }
        }
    }

    private static void AddStart(IOperation value, string runner, List<Event> list)
    {
        if (IteratorSymbol(value) is { } symbol)
        {
            list.Add(new Event(symbol, runner, value.Syntax.GetLocation()));
        }
    }

    /// <summary>The variable an operation reads: a local, a parameter, or a field of this object or a static one.</summary>
    private static ISymbol? IteratorSymbol(IOperation operation)
    {
        while (operation is IConversionOperation conversion)
        {
            operation = conversion.Operand;
        }

        return operation switch
        {
            ILocalReferenceOperation local => local.Local,
            IParameterReferenceOperation parameter => parameter.Parameter,
            IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation } field => field.Field,
            _ => null,
        };
    }

    /// <summary>Whether <paramref name="invocation"/> calls a YieldLoop method that takes a coroutine to run.</summary>
    private static bool IsRunner(IInvocationOperation invocation, CoroutineTypes types)
    {
        IMethodSymbol method = invocation.TargetMethod;
        if (method.ContainingNamespace?.ToDisplayString() != "YieldLoop")
        {
            return false;
        }

        foreach (IParameterSymbol parameter in method.Parameters)
        {
            if (types.IsCoroutine(parameter.Type) || (parameter.Type is IArrayTypeSymbol array && types.IsCoroutine(array.ElementType)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A start (<see cref="Runner"/> set) or a store (<see cref="Runner"/> null) of an iterator variable.</summary>
    private readonly struct Event
    {
        public Event(ISymbol symbol, string? runner, Location location)
        {
            Symbol = symbol;
            Runner = runner;
            Location = location;
        }

        public ISymbol Symbol { get; }

        public string? Runner { get; }

        public Location Location { get; }

        public bool IsStart => Runner is not null;
    }
}
