using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections;

namespace HopSplit.Distributed.Transport;

/// <summary>
/// Kestrel's buffers in 64 KiB blocks instead of its default 4 KiB ones. Kestrel receives from a socket into one
/// block at a time, so with 4 KiB blocks a 64 MiB tensor took some 16,000 receive calls; on machines where a system
/// call is expensive (virtual machines) that, more than copying, bounded a worker's throughput. Blocks are pinned
/// (sockets and Kestrel's pipes hand them to the kernel) and reused; a bounded number of free ones is kept.
/// </summary>
internal sealed class LargeBlockMemoryPool : MemoryPool<byte>
{
    /// <summary>The bytes of one block.</summary>
    public const int BlockBytes = 64 << 10;

    // Free blocks beyond this (64 MiB) are left to the garbage collector.
    private const int MaxFreeBlocks = 1024;

    private readonly ConcurrentQueue<byte[]> _free = new();

    public override int MaxBufferSize => BlockBytes;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, BlockBytes);
        return new Block(this, _free.TryDequeue(out var block) ? block : GC.AllocateUninitializedArray<byte>(BlockBytes, pinned: true));
    }

    private void Return(byte[] block)
    {
        if (_free.Count < MaxFreeBlocks) _free.Enqueue(block);
    }

    protected override void Dispose(bool disposing) => _free.Clear();

    private sealed class Block(LargeBlockMemoryPool pool, byte[] array) : IMemoryOwner<byte>
    {
        private byte[]? _array = array;

        public Memory<byte> Memory => _array ?? throw new ObjectDisposedException(nameof(Block));

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _array, null) is { } array) pool.Return(array);
        }
    }

    /// <summary>What Kestrel asks for its pools (registered as a service of the worker's host).</summary>
    public sealed class Factory : IMemoryPoolFactory<byte>
    {
        public MemoryPool<byte> Create(MemoryPoolOptions? options = null) => new LargeBlockMemoryPool();
    }
}
