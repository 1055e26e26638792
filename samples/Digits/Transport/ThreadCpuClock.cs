using System.Diagnostics;
using System.Runtime.InteropServices;

namespace HopSplit.Samples.Digits.Transport;

/// <summary>
/// CPU seconds the calling thread has used (user and system, page faults included): on a machine shared
/// with other work, a single-threaded copy's CPU time says what it costs while its wall time mostly says
/// how long it waited for a core. Wall time where the thread clock is not available (not Linux).
/// </summary>
internal static class ThreadCpuClock
{
    private const int ClockThreadCpuTime = 3; // CLOCK_THREAD_CPUTIME_ID

    public static double Now
    {
        get
        {
            if (OperatingSystem.IsLinux() && clock_gettime(ClockThreadCpuTime, out var time) == 0) return time.Seconds + time.Nanoseconds * 1e-9;
            return Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int clock_gettime(int clock, out TimeSpec time);
}
