using System;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace YieldLoop.Analyzers;

/// <summary>
/// YL0002: a call that blocks the thread (<c>Thread.Sleep</c>, <c>Task.Wait</c>, <c>.Result</c>,
/// <c>GetAwaiter().GetResult()</c>, synchronous stream and file I/O) written directly in a coroutine body.
/// </summary>
/// <remarks>
/// <para>Only the coroutine's own body counts: a lambda or local function inside it may run elsewhere (a
/// <c>Co.Offload</c> lambda runs on the thread pool, where blocking is fine).</para>
/// <para>Reading <c>.Result</c> (or calling <c>Wait</c>, <c>GetResult</c>) on a task the coroutine already awaited
/// (passed to <c>Co.Await</c> earlier in the body) or checked (<c>IsCompleted</c>, <c>Status</c>, ...) does not
/// block and is not reported; that is the usual way to read a result after the wait.</para>
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class BlockingCallAnalyzer : CoroutineAnalyzer
{
    /// <summary>The diagnostic property naming the code fix that applies (see <c>BlockingCallCodeFixProvider</c> in Engine.CodeFixes).</summary>
    internal const string FixKey = "Fix";

    /// <summary>Fix: <c>Thread.Sleep(ms)</c> becomes <c>yield return Co.Sleep(ms / 1000.0)</c>.</summary>
    internal const string FixSleep = "Sleep";

    /// <summary>Fix: the waited task becomes <c>yield return Co.Await(task)</c>.</summary>
    internal const string FixAwait = "Await";

    /// <summary>Fix: <c>Task.WaitAll(a, b)</c> becomes <c>yield return Co.Await(Task.WhenAll(a, b))</c>.</summary>
    internal const string FixWhenAll = "WhenAll";

    /// <summary>Fix: <c>Task.WaitAny(a, b)</c> becomes <c>yield return Co.Await(Task.WhenAny(a, b))</c>.</summary>
    internal const string FixWhenAny = "WhenAny";

    private const string AwaitForm = "yield return Co.Await(task)";

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.BlockingCall);

    /// <inheritdoc/>
    private protected override void Register(CompilationStartAnalysisContext start, CoroutineTypes types)
    {
        var known = new KnownTypes(start.Compilation);
        start.RegisterOperationAction(c => AnalyzeInvocation(c, types, known), OperationKind.Invocation);
        start.RegisterOperationAction(c => AnalyzeResult(c, types, known), OperationKind.PropertyReference);
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context, CoroutineTypes types, KnownTypes known)
    {
        var invocation = (IInvocationOperation)context.Operation;
        IMethodSymbol method = invocation.TargetMethod;
        string? call = null;
        string? instead = null;
        string? fix = null;
        IOperation? waited = null;
        INamedTypeSymbol type = method.ContainingType;
        if (Is(type, known.Thread) && method.Name == "Sleep")
        {
            call = "Thread.Sleep";
            instead = "yield return Co.Sleep(seconds)";
            fix = FixSleep;
        }
        else if (Is(type, known.Task) && method.Name is "Wait" or "WaitAll" or "WaitAny")
        {
            call = "Task." + method.Name;
            if (method.IsStatic)
            {
                bool all = method.Name == "WaitAll";
                instead = all ? "yield return Co.Await(Task.WhenAll(...))" : "yield return Co.Await(Task.WhenAny(...))";
                fix = method.Parameters.Length == 1 && method.Parameters[0].IsParams ? (all ? FixWhenAll : FixWhenAny) : null;
            }
            else
            {
                instead = AwaitForm;
                fix = method.Parameters.Length == 0 ? FixAwait : null;
                waited = invocation.Instance;
            }
        }
        else if (method.Name == "GetResult" && method.Parameters.Length == 0 && IsAwaiter(type))
        {
            call = type.Name + ".GetResult";
            instead = AwaitForm;
            if (invocation.Instance is IInvocationOperation { TargetMethod.Name: "GetAwaiter", Instance: { } task } && IsTaskLike(task.Type, known))
            {
                waited = task;
                fix = FixAwait;
            }
        }
        else if (IsStreamIo(method, invocation.Instance, known))
        {
            call = type.Name + "." + method.Name;
            string asyncName = method.Name switch
            {
                "ReadByte" or "ReadExactly" or "ReadAtLeast" => "ReadAsync",
                "WriteByte" => "WriteAsync",
                _ => method.Name + "Async",
            };
            instead = "yield return Co.Await(stream." + asyncName + "(...))";
        }
        else if (Is(type, known.File) && IsBlockingFileCall(method.Name))
        {
            call = "File." + method.Name;
            instead = "yield return Co.Offload(() => File." + method.Name + "(...))";
        }

        if (call is not null && instead is not null)
        {
            Report(context, invocation, types, call, instead, fix, waited);
        }
    }

    private static void AnalyzeResult(OperationAnalysisContext context, CoroutineTypes types, KnownTypes known)
    {
        var reference = (IPropertyReferenceOperation)context.Operation;
        if (reference.Property.Name != "Result" || reference.Instance is null)
        {
            return;
        }

        INamedTypeSymbol definition = reference.Property.ContainingType.OriginalDefinition;
        if (!Is(definition, known.TaskOfT) && !Is(definition, known.ValueTaskOfT))
        {
            return;
        }

        for (IOperation? parent = reference.Parent; parent is not null; parent = parent.Parent)
        {
            if (parent is INameOfOperation)
            {
                return;
            }
        }

        Report(context, reference, types, definition.Name + ".Result", AwaitForm, FixAwait, reference.Instance);
    }

    private static void Report(OperationAnalysisContext context, IOperation operation, CoroutineTypes types, string call, string instead, string? fix, IOperation? waited)
    {
        IMethodSymbol? coroutine = Functions.EnclosingCoroutine(operation.Syntax, operation.SemanticModel!, types, context.CancellationToken);
        if (coroutine is null || (waited is not null && AlreadyWaited(waited, operation, context.CancellationToken)))
        {
            return;
        }

        ImmutableDictionary<string, string?> properties = ImmutableDictionary<string, string?>.Empty;
        if (fix is not null && IsStatement(operation.Syntax))
        {
            properties = properties.Add(FixKey, fix);
        }

        context.ReportDiagnostic(Diagnostic.Create(Descriptors.BlockingCall, operation.Syntax.GetLocation(), properties, call, coroutine.Name, instead));
    }

    /// <summary>Whether <paramref name="syntax"/> is a whole statement (<c>X;</c> or <c>_ = X;</c>), which a fix can
    /// replace with a yield without changing what the surrounding code sees.</summary>
    internal static bool IsStatement(SyntaxNode syntax) =>
        syntax.Parent is ExpressionStatementSyntax
        || (syntax.Parent is AssignmentExpressionSyntax { Left: IdentifierNameSyntax { Identifier.ValueText: "_" } } assignment
            && assignment.IsKind(SyntaxKind.SimpleAssignmentExpression)
            && assignment.Right == syntax
            && assignment.Parent is ExpressionStatementSyntax);

    /// <summary>Whether the task <paramref name="waited"/> was awaited with <c>Co.Await</c> or checked for completion
    /// earlier in the coroutine's body: then the blocking member returns at once.</summary>
    private static bool AlreadyWaited(IOperation waited, IOperation use, System.Threading.CancellationToken cancellationToken)
    {
        ISymbol? task = ReferencedSymbol(waited);
        SyntaxNode? body = Functions.Enclosing(use.Syntax);
        if (task is null || body is null)
        {
            return false;
        }

        SemanticModel model = use.SemanticModel!;
        int before = use.Syntax.SpanStart;
        foreach (SyntaxNode node in body.DescendantNodes())
        {
            if (node.SpanStart >= before)
            {
                break;
            }

            if (node is not IdentifierNameSyntax name || name.Identifier.ValueText != task.Name
                || !SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name, cancellationToken).Symbol, task))
            {
                continue;
            }

            if (name.Parent is MemberAccessExpressionSyntax access && access.Expression == name
                && access.Name.Identifier.ValueText is "IsCompleted" or "IsCompletedSuccessfully" or "IsFaulted" or "IsCanceled" or "Status")
            {
                return true;
            }

            for (SyntaxNode? up = name.Parent; up is not null && up != body; up = up.Parent)
            {
                if (up is InvocationExpressionSyntax call
                    && model.GetSymbolInfo(call, cancellationToken).Symbol is IMethodSymbol { Name: "Await" } awaitMethod
                    && awaitMethod.ContainingType.Name == "Co"
                    && awaitMethod.ContainingNamespace.ToDisplayString() == "YieldLoop")
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static ISymbol? ReferencedSymbol(IOperation operation)
    {
        while (operation is IConversionOperation conversion)
        {
            operation = conversion.Operand;
        }

        return operation switch
        {
            ILocalReferenceOperation local => local.Local,
            IParameterReferenceOperation parameter => parameter.Parameter,
            IFieldReferenceOperation field => field.Field,
            IPropertyReferenceOperation property => property.Property,
            _ => null,
        };
    }

    private static bool IsStreamIo(IMethodSymbol method, IOperation? instance, KnownTypes known)
    {
        if (method.IsStatic || known.Stream is null
            || method.Name is not ("Read" or "ReadByte" or "ReadExactly" or "ReadAtLeast" or "Write" or "WriteByte" or "CopyTo" or "Flush"))
        {
            return false;
        }

        // A MemoryStream never waits for a device; reading or writing it synchronously is fine.
        if (DerivesFrom(instance?.Type, known.MemoryStream) || DerivesFrom(method.ContainingType, known.MemoryStream))
        {
            return false;
        }

        return DerivesFrom(method.ContainingType, known.Stream);
    }

    private static bool IsBlockingFileCall(string name) =>
        !name.EndsWith("Async", StringComparison.Ordinal)
        && (name.StartsWith("ReadAll", StringComparison.Ordinal)
            || name.StartsWith("WriteAll", StringComparison.Ordinal)
            || name.StartsWith("AppendAll", StringComparison.Ordinal));

    private static bool IsAwaiter(INamedTypeSymbol type) =>
        type.Name.EndsWith("Awaiter", StringComparison.Ordinal)
        && type.ContainingNamespace.ToDisplayString() == "System.Runtime.CompilerServices";

    private static bool IsTaskLike(ITypeSymbol? type, KnownTypes known) =>
        type is INamedTypeSymbol named
        && (Is(named, known.Task) || Is(named.OriginalDefinition, known.TaskOfT)
            || Is(named, known.ValueTask) || Is(named.OriginalDefinition, known.ValueTaskOfT));

    private static bool DerivesFrom(ITypeSymbol? type, INamedTypeSymbol? baseType)
    {
        for (ITypeSymbol? current = type; current is not null && baseType is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current, baseType))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Is(INamedTypeSymbol? type, INamedTypeSymbol? expected) =>
        expected is not null && SymbolEqualityComparer.Default.Equals(type, expected);

    /// <summary>The BCL types with blocking members, resolved once per compilation (any may be missing).</summary>
    private sealed class KnownTypes
    {
        public KnownTypes(Compilation compilation)
        {
            Thread = compilation.GetTypeByMetadataName("System.Threading.Thread");
            Task = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task");
            TaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task`1");
            ValueTask = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask");
            ValueTaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask`1");
            Stream = compilation.GetTypeByMetadataName("System.IO.Stream");
            MemoryStream = compilation.GetTypeByMetadataName("System.IO.MemoryStream");
            File = compilation.GetTypeByMetadataName("System.IO.File");
        }

        public INamedTypeSymbol? Thread { get; }

        public INamedTypeSymbol? Task { get; }

        public INamedTypeSymbol? TaskOfT { get; }

        public INamedTypeSymbol? ValueTask { get; }

        public INamedTypeSymbol? ValueTaskOfT { get; }

        public INamedTypeSymbol? Stream { get; }

        public INamedTypeSymbol? MemoryStream { get; }

        public INamedTypeSymbol? File { get; }
    }
}
