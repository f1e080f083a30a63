using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace YieldLoop.Analyzers;

/// <summary>
/// What every YieldLoop analyzer does first: run concurrently, skip generated code, and do nothing in a compilation that
/// does not reference YieldLoop. Each analyzer registers its actions in <see cref="Register"/>, with the YieldLoop types
/// resolved once per compilation.
/// </summary>
public abstract class CoroutineAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public sealed override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            CoroutineTypes? types = CoroutineTypes.TryCreate(start.Compilation);
            if (types is not null)
            {
                Register(start, types);
            }
        });
    }

    /// <summary>Registers the analyzer's actions for a compilation that references YieldLoop.</summary>
    /// <param name="start">The compilation's start context.</param>
    /// <param name="types">The YieldLoop types of that compilation.</param>
    private protected abstract void Register(CompilationStartAnalysisContext start, CoroutineTypes types);
}
