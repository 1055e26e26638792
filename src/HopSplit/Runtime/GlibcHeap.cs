using System.Runtime.InteropServices;

namespace HopSplit.Runtime;

/// <summary>
/// Keeps libtorch's large CPU buffers in glibc's heap. libtorch frees every activation after each pass and
/// glibc serves blocks above 128 KiB (a batch of 64 after conv1 is 1.6 MB) with mmap, unmapping them on free,
/// so every pass page-faults its activations in again. On this project's VMs that made a batch-64 training
/// step 5-10 times slower than its compute and erratic; with the thresholds raised it is steady.
/// </summary>
public static class GlibcHeap
{
    private const int TrimThreshold = -1;   // M_TRIM_THRESHOLD: free heap top kept before returning it to the OS
    private const int MmapThreshold = -3;   // M_MMAP_THRESHOLD: smallest block served by mmap
    private const int MaxMmapThreshold = 32 * 1024 * 1024; // glibc's upper limit on 64-bit systems

    /// <summary>
    /// Serves blocks up to 32 MiB from the heap and keeps up to 512 MiB of freed heap. Call once at start,
    /// before training. True when glibc took both settings; false elsewhere (not Linux, or another C library).
    /// </summary>
    public static bool KeepLargeBlocks()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            return Mallopt(MmapThreshold, MaxMmapThreshold) == 1 && Mallopt(TrimThreshold, 512 * 1024 * 1024) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    // DllImport rather than LibraryImport: two ints need no marshalling code, and no unsafe blocks.
    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int Mallopt(int parameter, int value);
}
