using System;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Operations;

namespace HopSplit.Generators.Models;

/// <summary>
/// The arithmetic of constant folding, shared by the bound reading (<see cref="ModelReader"/>, operators as
/// <see cref="BinaryOperatorKind"/>) and the syntactic one (<see cref="SyntacticFactoryReader"/>, which maps its
/// <see cref="SyntaxKind"/>s here), so both fold alike. Integers are longs, floating values doubles; anything else is
/// <see cref="Folded.NotConstant"/>. Integer overflow throws <see cref="OverflowException"/> (the callers report it).
/// </summary>
internal static class ConstantFolding
{
    /// <summary>A compile-time constant as folding sees it: null, bool, long or double.</summary>
    public static object? Value(object? constant) => constant switch
    {
        null => Folded.Null,
        bool b => b,
        int or long or short or byte or sbyte or ushort or uint => Convert.ToInt64(constant, CultureInfo.InvariantCulture),
        double or float or decimal => Convert.ToDouble(constant, CultureInfo.InvariantCulture),
        _ => Folded.NotConstant,
    };

    public static object? Unary(UnaryOperatorKind op, object? operand) => (op, operand) switch
    {
        (UnaryOperatorKind.Minus, long l) => checked(-l),
        (UnaryOperatorKind.Minus, double d) => -d,
        (UnaryOperatorKind.Plus, long l) => l,
        (UnaryOperatorKind.Plus, double d) => d,
        (UnaryOperatorKind.Not, bool b) => !b,
        _ => Folded.NotConstant,
    };

    public static object? Binary(BinaryOperatorKind op, object? left, object? right)
    {
        if (left is long a && right is long b)
        {
            return op switch
            {
                BinaryOperatorKind.Add => checked(a + b),
                BinaryOperatorKind.Subtract => checked(a - b),
                BinaryOperatorKind.Multiply => checked(a * b),
                BinaryOperatorKind.Divide when b != 0 => a / b,
                BinaryOperatorKind.Remainder when b != 0 => a % b,
                BinaryOperatorKind.Equals => a == b,
                BinaryOperatorKind.NotEquals => a != b,
                BinaryOperatorKind.LessThan => a < b,
                BinaryOperatorKind.LessThanOrEqual => a <= b,
                BinaryOperatorKind.GreaterThan => a > b,
                BinaryOperatorKind.GreaterThanOrEqual => a >= b,
                _ => Folded.NotConstant,
            };
        }
        if (left is bool x && right is bool y)
        {
            return op switch
            {
                BinaryOperatorKind.ConditionalAnd or BinaryOperatorKind.And => x && y,
                BinaryOperatorKind.ConditionalOr or BinaryOperatorKind.Or => x || y,
                BinaryOperatorKind.Equals => x == y,
                BinaryOperatorKind.NotEquals => x != y,
                BinaryOperatorKind.ExclusiveOr => x ^ y,
                _ => Folded.NotConstant,
            };
        }
        return Folded.NotConstant;
    }

    /// <summary>The operator of a binary expression's syntax kind (null for one folding does not know).</summary>
    public static BinaryOperatorKind? BinaryOperator(SyntaxKind kind) => kind switch
    {
        SyntaxKind.AddExpression => BinaryOperatorKind.Add,
        SyntaxKind.SubtractExpression => BinaryOperatorKind.Subtract,
        SyntaxKind.MultiplyExpression => BinaryOperatorKind.Multiply,
        SyntaxKind.DivideExpression => BinaryOperatorKind.Divide,
        SyntaxKind.ModuloExpression => BinaryOperatorKind.Remainder,
        SyntaxKind.EqualsExpression => BinaryOperatorKind.Equals,
        SyntaxKind.NotEqualsExpression => BinaryOperatorKind.NotEquals,
        SyntaxKind.LessThanExpression => BinaryOperatorKind.LessThan,
        SyntaxKind.LessThanOrEqualExpression => BinaryOperatorKind.LessThanOrEqual,
        SyntaxKind.GreaterThanExpression => BinaryOperatorKind.GreaterThan,
        SyntaxKind.GreaterThanOrEqualExpression => BinaryOperatorKind.GreaterThanOrEqual,
        SyntaxKind.LogicalAndExpression => BinaryOperatorKind.ConditionalAnd,
        SyntaxKind.BitwiseAndExpression => BinaryOperatorKind.And,
        SyntaxKind.LogicalOrExpression => BinaryOperatorKind.ConditionalOr,
        SyntaxKind.BitwiseOrExpression => BinaryOperatorKind.Or,
        SyntaxKind.ExclusiveOrExpression => BinaryOperatorKind.ExclusiveOr,
        _ => null,
    };

    /// <summary>The operator of a prefix unary expression's syntax kind (null for one folding does not know).</summary>
    public static UnaryOperatorKind? UnaryOperator(SyntaxKind kind) => kind switch
    {
        SyntaxKind.UnaryMinusExpression => UnaryOperatorKind.Minus,
        SyntaxKind.UnaryPlusExpression => UnaryOperatorKind.Plus,
        SyntaxKind.LogicalNotExpression => UnaryOperatorKind.Not,
        _ => null,
    };
}
