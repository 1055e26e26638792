using Grpc.Core;

namespace HopSplit.Distributed;

/// <summary>
/// Pings every worker of a step at a fixed interval while the step runs. A worker that does not answer within the
/// timeout (or whose connection is refused or reset) is dead: the heartbeat records it and cancels the step, so a hung
/// worker is detected within interval + timeout instead of the calls' much longer deadline.
/// </summary>
internal sealed class Heartbeat : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Uri> _dead = new();
    private readonly Task _loop;

    public Heartbeat(IReadOnlyList<StageClient> clients, TimeSpan interval, TimeSpan timeout, CancellationTokenSource step)
    {
        _loop = interval > TimeSpan.Zero ? RunAsync(clients, interval, timeout, step) : Task.CompletedTask;
    }

    /// <summary>The workers found dead so far.</summary>
    public IReadOnlyList<Uri> Dead
    {
        get { lock (_dead) return _dead.ToArray(); }
    }

    /// <summary>True if the worker answers a ping within <paramref name="timeout"/>. A refused token is an answer: the worker lives.</summary>
    public static async Task<bool> AnswersAsync(StageClient client, TimeSpan timeout, CancellationToken cancellation = default)
    {
        try
        {
            await client.PingAsync(timeout, cancellation).ConfigureAwait(false);
            return true;
        }
        catch (RpcException e) when (IsAnswer(e))
        {
            return true;
        }
        catch (RpcException) when (!cancellation.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>A refusal only a running worker can give (a wrong token, an unknown call): the worker lives.</summary>
    public static bool IsAnswer(RpcException e) => e.StatusCode is StatusCode.Unauthenticated or StatusCode.PermissionDenied or StatusCode.Unimplemented;

    private async Task RunAsync(IReadOnlyList<StageClient> clients, TimeSpan interval, TimeSpan timeout, CancellationTokenSource step)
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                await Task.Delay(interval, _stop.Token).ConfigureAwait(false);
                var answers = await Task.WhenAll(clients.Select(c => AnswersAsync(c, timeout, _stop.Token))).ConfigureAwait(false);
                var dead = clients.Where((_, i) => !answers[i]).Select(c => c.Address).ToArray();
                if (dead.Length == 0) continue;
                lock (_dead) _dead.AddRange(dead);
                await step.CancelAsync().ConfigureAwait(false);
                return;
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (RpcException) when (_stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>Stops pinging and waits for the last ping to end.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }
}
