using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace YieldLoop.Analyzers;

/// <summary>Helpers shared by the code fixes: finding the statement to replace and naming YieldLoop types there.</summary>
internal static class FixSyntax
{
    /// <summary>The statement that is just <paramref name="expression"/> (<c>X;</c> or <c>_ = X;</c>), or <see langword="null"/>.</summary>
    public static ExpressionStatementSyntax? StatementOf(SyntaxNode expression) => expression.Parent switch
    {
        ExpressionStatementSyntax statement => statement,
        AssignmentExpressionSyntax { Parent: ExpressionStatementSyntax statement } assignment when assignment.Right == expression => statement,
        _ => null,
    };

    /// <summary>How to write the YieldLoop type <paramref name="type"/> at <paramref name="position"/>: its simple name when
    /// that binds to it there (a <c>using YieldLoop;</c> or code inside the namespace), else the global name.</summary>
    public static string TypeName(SemanticModel model, int position, INamedTypeSymbol? type, string name)
    {
        bool bindsHere = type is not null
            && model.LookupNamespacesAndTypes(position, name: name).Any(s => SymbolEqualityComparer.Default.Equals(s, type));
        return bindsHere ? name : "global::YieldLoop." + name;
    }

    /// <summary>Parses <paramref name="text"/> as a statement carrying the trivia (indentation, comments) of <paramref name="old"/>.</summary>
    public static StatementSyntax Statement(string text, StatementSyntax old) =>
        SyntaxFactory.ParseStatement(text)
            .WithLeadingTrivia(old.GetLeadingTrivia())
            .WithTrailingTrivia(old.GetTrailingTrivia());
}
