using System;
using System.Collections.Generic;
using System.Linq;

namespace HopSplit.Generators.Models;

/// <summary>Why a layer could not be costed: the rule it breaks and, when known, the parameter at fault.</summary>
internal sealed class LayerProblem : Exception
{
    public LayerProblem(LayerProblemKind kind, string message, string? parameter = null) : base(message)
    {
        Kind = kind;
        Parameter = parameter;
    }

    public LayerProblemKind Kind { get; }

    /// <summary>The factory parameter whose argument is wrong (for the diagnostic location), or null.</summary>
    public string? Parameter { get; }
}

internal enum LayerProblemKind
{
    /// <summary>The generator cannot analyse the layer (HS0001 unless it has [LayerCost]).</summary>
    Unsupported,

    /// <summary>The layer does not accept the shape the previous layer produces (HS0002).</summary>
    Mismatch,

    /// <summary>A constant argument has an impossible value (HS0004).</summary>
    Invalid,
}

/// <summary>A folded argument: a long, double, bool, string (enum member), long[] (tuple or array) or
/// <see cref="Null"/>; <see cref="NotConstant"/> when the argument is not a compile-time value.</summary>
internal static class Folded
{
    public static readonly object Null = new();
    public static readonly object NotConstant = new();
}

/// <summary>The costs of one analysed layer, per sample.</summary>
internal sealed record LayerCost(long[] OutputShape, double Parameters, double ForwardFlops);

/// <summary>
/// Shapes, parameter counts and FLOPs of TorchSharp's nn factories, per sample (the batch dimension is
/// implicit). Parameters are counted as PyTorch does. Forward FLOPs count a multiply-add as 2; layers
/// without multiply-adds use a fixed count per output element: ReLU, Dropout 1; LeakyReLU 2; Sigmoid,
/// Tanh 4; GELU 8; Softmax 3; BatchNorm 4; LayerNorm 5; max/avg pooling one per window element;
/// Flatten and Embedding 0. Backward is twice forward.
/// </summary>
internal static class LayerMath
{
    public const double ReluFlops = 1, DropoutFlops = 1, LeakyReluFlops = 2, SigmoidFlops = 4, TanhFlops = 4,
        GeluFlops = 8, SoftmaxFlops = 3, BatchNormFlops = 4, LayerNormFlops = 5;

    public static readonly IReadOnlyCollection<string> Supported = new HashSet<string>(StringComparer.Ordinal)
    {
        "Linear", "Conv1d", "Conv2d", "BatchNorm1d", "BatchNorm2d", "LayerNorm", "Embedding", "ReLU", "GELU",
        "Sigmoid", "Tanh", "LeakyReLU", "Softmax", "MaxPool1d", "MaxPool2d", "AvgPool1d", "AvgPool2d",
        "AdaptiveAvgPool2d", "Flatten", "Dropout",
    };

    /// <summary>Checks the constant arguments that do not depend on the input (so a layer after an
    /// unknown shape is still checked), then, when <paramref name="input"/> is known, computes the costs.</summary>
    public static LayerCost? Analyse(string kind, IReadOnlyDictionary<string, object?> args, long[]? input)
    {
        var a = new Args(args);
        switch (kind)
        {
            case "Linear":
            {
                var inF = a.Positive("inputSize");
                var outF = a.Positive("outputSize");
                var bias = a.Bool("hasBias");
                if (input is null) return null;
                if (input.Length == 0) throw Mismatch("Linear needs an input with at least one dimension", null);
                if (input[input.Length - 1] != inF)
                {
                    throw Mismatch(input.Length == 1
                        ? $"in_features is {inF}, but the input has {input[0]} elements"
                        : $"in_features is {inF}, but the last input dimension of {Shape(input)} is {input[input.Length - 1]}", "inputSize");
                }
                var rows = Product(input, 0, input.Length - 1);
                var output = input.Take(input.Length - 1).Concat(new[] { outF }).ToArray();
                return new LayerCost(output, (double)inF * outF + (bias ? outF : 0), rows * (2d * inF * outF + (bias ? outF : 0)));
            }
            case "Conv1d":
            case "Conv2d":
            {
                var n = kind == "Conv1d" ? 1 : 2;
                var cin = a.Positive("in_channels");
                var cout = a.Positive("out_channels");
                var kernel = a.Dims("kernel_size", n, null, positive: true);
                var stride = a.Dims("stride", n, new long[n].Select(_ => 1L).ToArray(), positive: true);
                var dilation = a.Dims("dilation", n, new long[n].Select(_ => 1L).ToArray(), positive: true);
                var groups = a.Positive("groups");
                var bias = a.Bool("bias");
                var padding = a.Padding("padding", n, kernel, dilation, stride);
                if (cin % groups != 0) throw new LayerProblem(LayerProblemKind.Invalid, $"in_channels {cin} is not divisible by groups {groups}", "groups");
                if (cout % groups != 0) throw new LayerProblem(LayerProblemKind.Invalid, $"out_channels {cout} is not divisible by groups {groups}", "groups");
                if (input is null) return null;
                RequireRank(kind, input, n + 1, n == 1 ? "[C, L]" : "[C, H, W]");
                if (input[0] != cin) throw Mismatch($"in_channels is {cin}, but the input {Shape(input)} has {input[0]} channels", "in_channels");
                var spatial = new long[n];
                for (var i = 0; i < n; i++)
                    spatial[i] = Window(kind, input[i + 1], kernel[i], stride[i], padding[i], dilation[i], ceil: false);
                var positions = Product(spatial, 0, n);
                var taps = (double)(cin / groups) * Product(kernel, 0, n);
                var output = new[] { cout }.Concat(spatial).ToArray();
                return new LayerCost(output, cout * taps + (bias ? cout : 0), 2d * cout * positions * taps + (bias ? (double)cout * positions : 0));
            }
            case "BatchNorm1d":
            case "BatchNorm2d":
            {
                var c = a.Positive("num_features");
                var affine = a.Bool("affine");
                if (input is null) return null;
                if (kind == "BatchNorm1d" && input.Length is not (1 or 2)) throw Mismatch($"BatchNorm1d needs a [C] or [C, L] input, but receives {Shape(input)}", null);
                if (kind == "BatchNorm2d") RequireRank(kind, input, 3, "[C, H, W]");
                if (input[0] != c) throw Mismatch($"num_features is {c}, but the input {Shape(input)} has {input[0]} channels", "num_features");
                return new LayerCost(input, affine ? 2d * c : 0, BatchNormFlops * Product(input, 0, input.Length));
            }
            case "LayerNorm":
            {
                var shape = a.Shape("normalized_shape");
                var affine = a.Bool("elementwise_affine");
                var bias = a.Bool("bias");
                if (input is null) return null;
                if (input.Length < shape.Length || !input.Skip(input.Length - shape.Length).SequenceEqual(shape))
                    throw Mismatch($"normalized_shape is {Shape(shape)}, but the input {Shape(input)} does not end with it", "normalized_shape");
                var size = Product(shape, 0, shape.Length);
                return new LayerCost(input, affine ? size * (bias ? 2 : 1) : 0, LayerNormFlops * Product(input, 0, input.Length));
            }
            case "Embedding":
            {
                var count = a.Positive("num_embeddings");
                var dims = a.Positive("embedding_dims");
                if (input is null) return null;
                return new LayerCost(input.Concat(new[] { dims }).ToArray(), (double)count * dims, 0);
            }
            case "ReLU": return Elementwise(input, ReluFlops);
            case "GELU": return Elementwise(input, GeluFlops);
            case "Sigmoid": return Elementwise(input, SigmoidFlops);
            case "Tanh": return Elementwise(input, TanhFlops);
            case "LeakyReLU": return Elementwise(input, LeakyReluFlops);
            case "Dropout": return Elementwise(input, DropoutFlops);
            case "Softmax":
            {
                var dim = a.Int("dim");
                if (input is null) return null;
                var rank = input.Length + 1;
                if (dim < -rank || dim >= rank || dim == 0 || dim == -rank)
                    throw Mismatch($"dim {dim} is not a per-sample dimension of the input {Shape(input)} (with the batch dimension first)", "dim");
                return Elementwise(input, SoftmaxFlops);
            }
            case "MaxPool1d":
            case "MaxPool2d":
            case "AvgPool1d":
            case "AvgPool2d":
            {
                var n = kind.EndsWith("1d", StringComparison.Ordinal) ? 1 : 2;
                var max = kind.StartsWith("Max", StringComparison.Ordinal);
                var kernel = a.Dims("kernel_size", n, null, positive: true);
                var stride = a.Dims("stride", n, kernel, positive: true);
                var padding = a.Dims("padding", n, new long[n], positive: false);
                var dilation = max ? a.Dims("dilation", n, new long[n].Select(_ => 1L).ToArray(), positive: true) : new long[n].Select(_ => 1L).ToArray();
                var ceil = a.Bool("ceil_mode");
                for (var i = 0; i < n; i++)
                {
                    if (padding[i] * 2 > kernel[i])
                        throw new LayerProblem(LayerProblemKind.Invalid, $"padding {padding[i]} is more than half the kernel size {kernel[i]}", "padding");
                }
                if (input is null) return null;
                RequireRank(kind, input, n + 1, n == 1 ? "[C, L]" : "[C, H, W]");
                var spatial = new long[n];
                for (var i = 0; i < n; i++)
                    spatial[i] = Window(kind, input[i + 1], kernel[i], stride[i], padding[i], dilation[i], ceil);
                var output = new[] { input[0] }.Concat(spatial).ToArray();
                return new LayerCost(output, 0, Product(output, 0, output.Length) * Product(kernel, 0, n));
            }
            case "AdaptiveAvgPool2d":
            {
                var size = a.Dims("output_size", 2, null, positive: true);
                if (input is null) return null;
                RequireRank(kind, input, 3, "[C, H, W]");
                var window = Math.Ceiling((double)input[1] / size[0]) * Math.Ceiling((double)input[2] / size[1]);
                var output = new[] { input[0], size[0], size[1] };
                return new LayerCost(output, 0, Product(output, 0, 3) * window);
            }
            case "Flatten":
            {
                var start = a.Int("start_dim");
                var end = a.Int("end_dim");
                if (input is null) return null;
                var rank = input.Length + 1;
                var s = start < 0 ? start + rank : start;
                var e = end < 0 ? end + rank : end;
                if (s < 1 || e >= rank || s > e)
                {
                    throw new LayerProblem(LayerProblemKind.Unsupported,
                        $"Flatten({start}, {end}) on {Shape(input)} does not keep the batch dimension apart");
                }
                var output = input.Take((int)s - 1)
                    .Concat(new[] { LongProduct(input, (int)s - 1, (int)e) })
                    .Concat(input.Skip((int)e)).ToArray();
                return new LayerCost(output, 0, 0);
            }
            default:
                throw new LayerProblem(LayerProblemKind.Unsupported, $"nn.{kind} is not one of the layers the generator knows");
        }
    }

    /// <summary>PyTorch's output size of a sliding window (convolution or pooling).</summary>
    private static long Window(string kind, long size, long kernel, long stride, long padding, long dilation, bool ceil)
    {
        var span = size + 2 * padding - dilation * (kernel - 1) - 1;
        if (span < 0) throw Mismatch($"{kind} window of {dilation * (kernel - 1) + 1} does not fit an input of size {size} (padding {padding})", "kernel_size");
        var steps = ceil ? (span + stride - 1) / stride : span / stride;
        var output = steps + 1;
        // ceil_mode: the last window must start inside the input or the left padding.
        if (ceil && (output - 1) * stride >= size + padding) output--;
        return output;
    }

    private static LayerCost? Elementwise(long[]? input, double flopsPerElement) =>
        input is null ? null : new LayerCost(input, 0, flopsPerElement * Product(input, 0, input.Length));

    private static void RequireRank(string kind, long[] input, int rank, string expected)
    {
        if (input.Length != rank) throw Mismatch($"{kind} needs a {expected} input, but receives {Shape(input)}", null);
    }

    private static LayerProblem Mismatch(string message, string? parameter) => new(LayerProblemKind.Mismatch, message, parameter);

    public static double Product(long[] values, int from, int to)
    {
        double p = 1;
        for (var i = from; i < to; i++) p *= values[i];
        return p;
    }

    private static long LongProduct(long[] values, int from, int to)
    {
        long p = 1;
        for (var i = from; i < to; i++) p = checked(p * values[i]);
        return p;
    }

    public static string Shape(IEnumerable<long> shape) => "[" + string.Join(", ", shape) + "]";

    /// <summary>Typed access to folded arguments; failures become <see cref="LayerProblem"/>s.</summary>
    private sealed class Args(IReadOnlyDictionary<string, object?> values)
    {
        private object? Get(string name)
        {
            if (!values.TryGetValue(name, out var value))
                throw new LayerProblem(LayerProblemKind.Unsupported, $"this overload has no '{name}' parameter");
            if (ReferenceEquals(value, Folded.NotConstant))
                throw new LayerProblem(LayerProblemKind.Unsupported, $"argument '{name}' is not a compile-time constant");
            return value;
        }

        public long Int(string name) => Get(name) switch
        {
            long l => l,
            var other => throw new LayerProblem(LayerProblemKind.Unsupported, $"argument '{name}' is {Describe(other)}, not an integer"),
        };

        public long Positive(string name)
        {
            var value = Int(name);
            if (value <= 0) throw new LayerProblem(LayerProblemKind.Invalid, $"{name} must be positive, but is {value}", name);
            return value;
        }

        public bool Bool(string name) => Get(name) is bool b
            ? b
            : throw new LayerProblem(LayerProblemKind.Unsupported, $"argument '{name}' is not a constant bool");

        /// <summary>A scalar (repeated), a tuple or an array of <paramref name="n"/> values; null gives <paramref name="fallback"/>.</summary>
        public long[] Dims(string name, int n, long[]? fallback, bool positive)
        {
            var value = Get(name);
            long[] dims = value switch
            {
                long l => Enumerable.Repeat(l, n).ToArray(),
                long[] array when array.Length == n => array,
                _ when ReferenceEquals(value, Folded.Null) && fallback is not null => fallback,
                _ => throw new LayerProblem(LayerProblemKind.Unsupported, $"argument '{name}' is {Describe(value)}, not {n} integer(s)"),
            };
            foreach (var d in dims)
            {
                if (positive ? d <= 0 : d < 0)
                    throw new LayerProblem(LayerProblemKind.Invalid, $"{name} must be {(positive ? "positive" : ">= 0")}, but is {d}", name);
            }
            return dims;
        }

        /// <summary>normalized_shape: a scalar or an array of positive sizes.</summary>
        public long[] Shape(string name)
        {
            var value = Get(name);
            var dims = value switch
            {
                long l => new[] { l },
                long[] array when array.Length > 0 => array,
                _ => throw new LayerProblem(LayerProblemKind.Unsupported, $"argument '{name}' is {Describe(value)}, not a shape"),
            };
            if (dims.Any(d => d <= 0)) throw new LayerProblem(LayerProblemKind.Invalid, $"{name} must have positive sizes, but is {LayerMath.Shape(dims)}", name);
            return dims;
        }

        /// <summary>Convolution padding: sizes, or the Padding enum (Valid = 0, Same = keep the size; stride 1 only).</summary>
        public long[] Padding(string name, int n, long[] kernel, long[] dilation, long[] stride)
        {
            var value = Get(name);
            if (value is string mode)
            {
                if (mode == "Valid") return new long[n];
                if (mode != "Same") throw new LayerProblem(LayerProblemKind.Unsupported, $"padding mode '{mode}' is unknown");
                if (stride.Any(s => s != 1)) throw new LayerProblem(LayerProblemKind.Invalid, "padding Same needs stride 1", name);
                var same = new long[n];
                for (var i = 0; i < n; i++)
                {
                    var total = dilation[i] * (kernel[i] - 1);
                    if (total % 2 != 0) throw new LayerProblem(LayerProblemKind.Unsupported, "padding Same with an even window pads unevenly");
                    same[i] = total / 2;
                }
                return same;
            }
            return Dims(name, n, new long[n], positive: false);
        }

        private static string Describe(object? value) =>
            ReferenceEquals(value, Folded.Null) ? "null" : value switch { long[] a => LayerMath.Shape(a), null => "null", _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "?" };
    }
}
