using HopSplit.Distributed.Checkpoints;
using HopSplit.Distributed.Protocol;

namespace HopSplit.Runtime.Tests.Distributed;

/// <summary>Checkpoint files: written and read back exactly, damaged or foreign files refused by name, and writes atomic.</summary>
public sealed class CheckpointFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("hopsplit-checkpoints-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    static Checkpoint Sample(long step, double scale = 1)
    {
        var weight = new[] { 0.5 * scale, -1.25 * scale, 3.0, 1e-300 };
        var momentum = new[] { 0.125f, -2f };
        return new Checkpoint(step, Seed: 21, LayerCount: 7, MicroBatchSize: 4,
            [new CheckpointSegment("a", 0, 0), new CheckpointSegment("b", 1, 6)],
            new Dictionary<StateKey, StateTensor>
            {
                [new StateKey(0, "weight", StateSlot.Parameter)] = new(DType.Float64, [2, 2], Bytes(weight)),
                [new StateKey(4, "bias", StateSlot.Parameter)] = new(DType.Float32, [2], Bytes(momentum)),
                [new StateKey(4, "bias", StateSlot.Momentum)] = new(DType.Float32, [2], Bytes(momentum.Select(v => v * 3).ToArray())),
            });
    }

    static byte[] Bytes<T>(T[] values) where T : struct => System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    string Write(Checkpoint checkpoint)
    {
        var path = Path.Combine(_folder, "one.hsckpt");
        CheckpointFile.Write(path, checkpoint);
        return path;
    }

    [Fact]
    public void A_checkpoint_reads_back_exactly()
    {
        var written = Sample(12);
        var read = CheckpointFile.Read(Write(written));
        Assert.Equal((12L, 21L, 7, 4), (read.Step, read.Seed, read.LayerCount, read.MicroBatchSize));
        Assert.Equal(written.Segments, read.Segments);
        Assert.Equal(written.Tensors.Keys.Order(), read.Tensors.Keys.Order());
        foreach (var (key, tensor) in written.Tensors)
        {
            Assert.Equal(tensor.DType, read.Tensors[key].DType);
            Assert.Equal(tensor.Shape, read.Tensors[key].Shape);
            Assert.Equal(tensor.Payload, read.Tensors[key].Payload);
        }
        Assert.Equal(1e-300, read.Tensors[new StateKey(0, "weight", StateSlot.Parameter)].ToDoubles()[3]);
    }

    [Fact]
    public void A_changed_byte_anywhere_is_refused_as_corrupt()
    {
        var path = Write(Sample(3));
        var bytes = File.ReadAllBytes(path);
        foreach (var position in new[] { 20, bytes.Length / 2, bytes.Length - 40, bytes.Length - 1 })
        {
            var damaged = (byte[])bytes.Clone();
            damaged[position] ^= 0x10;
            File.WriteAllBytes(path, damaged);
            var error = Assert.Throws<CheckpointException>(() => CheckpointFile.Read(path));
            Assert.StartsWith(path, error.Message);
            Assert.Contains("corrupt", error.Message);
        }
    }

    [Fact]
    public void Truncated_foreign_and_future_files_are_refused_by_name()
    {
        var path = Write(Sample(3));
        var bytes = File.ReadAllBytes(path);

        File.WriteAllBytes(path, bytes[..(bytes.Length - 7)]);
        Assert.Contains("corrupt or truncated", Assert.Throws<CheckpointException>(() => CheckpointFile.Read(path)).Message);
        File.WriteAllBytes(path, bytes[..30]);
        Assert.Contains("truncated: 30 bytes", Assert.Throws<CheckpointException>(() => CheckpointFile.Read(path)).Message);

        File.WriteAllText(path, "{\"step\": 3}");
        Assert.Contains("not a HopSplit checkpoint", Assert.Throws<CheckpointException>(() => CheckpointFile.Read(path)).Message);

        var future = (byte[])bytes.Clone();
        BitConverter.GetBytes(2).CopyTo(future, 8);
        File.WriteAllBytes(path, future);
        Assert.Contains("format version 2; this HopSplit reads version 1", Assert.Throws<CheckpointException>(() => CheckpointFile.Read(path)).Message);

        Assert.Contains("cannot read", Assert.Throws<CheckpointException>(() => CheckpointFile.Read(Path.Combine(_folder, "missing.hsckpt"))).Message);
    }

    [Fact]
    public void A_checkpoint_of_another_model_or_seed_is_refused_with_what_differs()
    {
        var checkpoint = CheckpointFile.Read(Write(Sample(3)));
        Assert.Contains("a model of 7 layers, this run's model has 10", Assert.Throws<CheckpointException>(() => checkpoint.CheckFits(10, 21, "f")).Message);
        Assert.Contains("seed 21, this run uses seed 5", Assert.Throws<CheckpointException>(() => checkpoint.CheckFits(7, 5, "f")).Message);
        checkpoint.CheckFits(7, 21, "f");
    }

    [Fact]
    public void A_crash_between_writing_and_renaming_leaves_the_previous_checkpoint_valid()
    {
        var store = new CheckpointStore(_folder);
        store.Save(Sample(4));
        // The next checkpoint is written in full but the process dies before the rename ...
        var temporary = CheckpointFile.WriteTemporary(store.PathOf(4), Sample(5, scale: 2));
        // ... or while writing it.
        File.WriteAllBytes(Path.Combine(_folder, ".checkpoint-00000006.hsckpt.0.tmp"), File.ReadAllBytes(temporary)[..50]);
        Assert.True(File.Exists(temporary));

        var latest = store.Latest()!;
        Assert.Equal(4, latest.Step);
        Assert.Equal(Sample(4).Tensors[new StateKey(0, "weight", StateSlot.Parameter)].Payload, latest.Tensors[new StateKey(0, "weight", StateSlot.Parameter)].Payload);

        // Renaming is the commit: afterwards the new contents are there, whole.
        CheckpointFile.Commit(temporary, store.PathOf(4));
        Assert.Equal(Sample(5, scale: 2).Tensors[new StateKey(0, "weight", StateSlot.Parameter)].Payload,
            store.Latest()!.Tensors[new StateKey(0, "weight", StateSlot.Parameter)].Payload);
    }

    [Fact]
    public void The_store_keeps_the_newest_two_and_finds_the_latest()
    {
        var store = new CheckpointStore(_folder);
        Assert.Null(store.Latest());
        foreach (var step in new long[] { 1, 2, 3, 10 }) store.Save(Sample(step));
        Assert.Equal(new long[] { 10, 3 }, store.Files().Select(f => f.Step));
        Assert.Equal(10, store.Latest()!.Step);
    }
}
