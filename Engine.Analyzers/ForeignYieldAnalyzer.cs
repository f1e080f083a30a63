using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace YieldLoop.Analyzers;

/// <summary>
/// YL0004: a YieldLoop awaitable (<c>Co.Sleep</c>, <c>Co.Call</c>, a future, a task, ...) or a YieldLoop coroutine yielded
/// by an iterator of <c>object</c> (<c>IEnumerator</c>, <c>IEnumerable</c>, <c>IEnumerator&lt;object&gt;</c>): a
/// Unity-style coroutine, which no YieldLoop loop runs, so nothing waits for the value.
/// </summary>
/// <remarks>
/// <para><c>yield return Child();</c> inside a YieldLoop coroutine does not compile (an iterator is not an
/// <c>IAwaitable</c>), so that shape needs no rule; the mistake that does compile is this one, where the iterator's element
/// type is <c>object</c> and accepts anything.</para>
/// <para>Iterators of a more specific type (<c>IEnumerable&lt;Future&gt;</c>, <c>IEnumerable&lt;IEnumerator&lt;IAwaitable&gt;&gt;</c>)
/// are generators of work items, not coroutines, and are not reported.</para>
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ForeignYieldAnalyzer : CoroutineAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.ForeignYield);

    /// <inheritdoc/>
    private protected override void Register(CompilationStartAnalysisContext start, CoroutineTypes types) =>
        start.RegisterOperationAction(c => AnalyzeYield(c, types), OperationKind.YieldReturn);

    private static void AnalyzeYield(OperationAnalysisContext context, CoroutineTypes types)
    {
        IOperation? value = ((IReturnOperation)context.Operation).ReturnedValue;
        while (value is IConversionOperation { IsImplicit: true } conversion)
        {
            value = conversion.Operand;
        }

        string? what = types.IsCoroutine(value?.Type) ? "coroutine" : types.IsAwaitable(value?.Type) ? "awaitable" : null;
        if (what is null || value is null)
        {
            return;
        }

        SyntaxNode? function = Functions.Enclosing(context.Operation.Syntax);
        IMethodSymbol? iterator = Functions.IteratorSymbol(function, context.Operation.SemanticModel!, context.CancellationToken);
        ITypeSymbol? element = types.IteratorElementType(iterator?.ReturnType, context.Compilation);
        if (iterator is null || element is null || element.SpecialType != SpecialType.System_Object)
        {
            return;
        }

        context.ReportDiagnostic(Diagnostic.Create(
            Descriptors.ForeignYield,
            value.Syntax.GetLocation(),
            iterator.Name,
            what,
            iterator.ReturnType.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)));
    }
}
