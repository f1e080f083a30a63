using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace YieldLoop.Analyzers;

/// <summary>
/// YL0001: a coroutine made and dropped. Calling an iterator method only creates the iterator, so a call whose
/// <c>IEnumerator&lt;IAwaitable&gt;</c> result is an expression statement (or assigned to <c>_</c>) never runs; the same
/// holds for a <c>Co.Call(...)</c> that is never yielded.
/// </summary>
/// <remarks>Only those two statement shapes are reported: a result that is yielded, stored, returned, passed on or used in
/// any other expression may run later, and following it is beyond a local check.</remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DiscardedCoroutineAnalyzer : CoroutineAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.DiscardedCoroutine);

    /// <inheritdoc/>
    private protected override void Register(CompilationStartAnalysisContext start, CoroutineTypes types) =>
        start.RegisterOperationAction(c => AnalyzeStatement(c, types), OperationKind.ExpressionStatement);

    private static void AnalyzeStatement(OperationAnalysisContext context, CoroutineTypes types)
    {
        IOperation expression = ((IExpressionStatementOperation)context.Operation).Operation;
        if (expression is ISimpleAssignmentOperation { Target: IDiscardOperation } discard)
        {
            expression = discard.Value;
            while (expression is IConversionOperation { IsImplicit: true } conversion)
            {
                expression = conversion.Operand;
            }
        }

        if (expression is IInvocationOperation invocation && IsDiscardedCoroutine(invocation, types))
        {
            IMethodSymbol method = invocation.TargetMethod;
            string name = method.IsStatic && SymbolEqualityComparer.Default.Equals(method.ContainingType, types.Co)
                ? "Co." + method.Name + "(...)"
                : method.Name + "(...)";
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.DiscardedCoroutine, invocation.Syntax.GetLocation(), name));
        }
    }

    /// <summary>Whether dropping the result of <paramref name="invocation"/> loses a coroutine: it returns one, or it is
    /// <c>Co.Call</c>, whose result runs the child only when yielded.</summary>
    internal static bool IsDiscardedCoroutine(IInvocationOperation invocation, CoroutineTypes types) =>
        types.IsCoroutine(invocation.TargetMethod.ReturnType)
        || (invocation.TargetMethod.Name == "Call" && SymbolEqualityComparer.Default.Equals(invocation.TargetMethod.ContainingType, types.Co));
}
