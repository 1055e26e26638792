using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;

namespace HopSplit.Distributed;

/// <summary>
/// Refuses every call without the shared token (<see cref="StatusCode.Unauthenticated"/>) before the service
/// sees it, so a refused call changes nothing; each refusal is logged with the method and the peer.
/// </summary>
internal sealed class TokenAuthInterceptor(SharedToken token, ILogger<TokenAuthInterceptor> logger) : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(request, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(requestStream, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(request, responseStream, context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(requestStream, responseStream, context);
    }

    private void Check(ServerCallContext context)
    {
        var authorization = context.RequestHeaders.GetValue("authorization");
        if (token.Accepts(authorization)) return;
        var reason = authorization is null ? "no authorization metadata" : "a wrong token";
        logger.LogWarning("Refused {Method} from {Peer}: {Reason}", context.Method, context.Peer, reason);
        throw new RpcException(new Status(StatusCode.Unauthenticated, $"refused: {reason}; every call must carry 'authorization: Bearer <token>' with the worker's token"));
    }
}
