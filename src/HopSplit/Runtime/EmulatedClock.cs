using System.Diagnostics;

namespace HopSplit.Runtime;

/// <summary>
/// The time base of one training step, shared by every stage, and the wait that paces an emulated device:
/// a task that finished its real work early waits until the modeled duration has passed.
/// </summary>
internal sealed class EmulatedClock
{
    // Thread.Sleep overshoots by up to about a millisecond on Linux; the last stretch is spun instead.
    private const double SpinSeconds = 0.0015;
    private readonly Stopwatch _stopwatch = new();

    public void Restart() => _stopwatch.Restart();

    /// <summary>Seconds since the step began.</summary>
    public double Now => _stopwatch.Elapsed.TotalSeconds;

    /// <summary>Waits until <paramref name="deadline"/> seconds into the step (returns at once if it has passed).</summary>
    public void WaitUntil(double deadline, CancellationToken cancellation)
    {
        while (true)
        {
            cancellation.ThrowIfCancellationRequested();
            var remaining = deadline - Now;
            if (remaining <= 0) return;
            if (remaining > SpinSeconds)
            {
                // Sleep in short slices so a cancelled step is noticed quickly.
                Thread.Sleep(TimeSpan.FromSeconds(Math.Min(remaining - SpinSeconds, 0.05)));
                continue;
            }
            var spinner = new SpinWait();
            while (Now < deadline) spinner.SpinOnce(sleep1Threshold: -1);
            return;
        }
    }
}
