namespace HopSplit.Experiments.Output;

/// <summary>
/// The written interpretation of the numbers, per family. It was written from the default-seed run (seed 7): with
/// another seed the random instances change and the figures quoted here may differ a little (the tables are always
/// the run's own). Kept apart from the experiments so that rerunning never rewrites prose by a rule.
/// </summary>
public static class Readings
{
    public const string Summary = """
        **An honest reading (default seed).**

        - *Where pipelining helps most*: big models whose expensive layers come after a small cut activation, on fast
          links. VGG-16 is 4.1x faster than sequential split learning on a 5-hop chain at 1 Gbps and 1.76x at 100 Mbps;
          ResNet-18 2.7x at 1 Gbps; the measured VGG-16 and AlexNet profiles 2.4x and 1.8x at 1 Gbps.
        - *Where it does not*: tiny models (the digits CNN trains fastest on the device alone at every bandwidth,
          speedup 1.0), slow links (ResNet-18 at 10 Mbps keeps everything on the device; the measured AlexNet at
          100 Mbps too), and bandwidth that swings widely while the plan stays fixed (section 7: with a log-normal
          sigma of 1 the static pipelined plan is on average slower than sequential in five of six cases).
        - *Multi-hop in these networks*: the optimal plans use two compute nodes almost everywhere (the device and the
          first node that is fast enough); more hops mostly add link stages. So the two-tier and bottleneck-only
          baselines tie with HopSplit on most chain points (within 0-3%), and the chain length barely changes T. Three
          or more compute segments appear only with fast links (200 Mbps and up for VGG-16) or little heterogeneity. The even split is
          4-90x slower: it gives the slow device an equal share of FLOPs and sends big early activations.
        - *Joint optimization*: alternating from both ends is exactly optimal on 299 of 300 random instances (max gap
          1.7%); the paper's alternation from b = B alone misses by 35% at the 90th percentile and up to 158%.
        - *Closeness to the lower bound*: the better of gpipe and 1f1b is a median 0.16% and at most 14.6% above the
          physical lower bound of its plan; the gap is largest with few micro-batches (M = 4), where fill and drain
          dominate. The formula T is a close estimate of 1f1b (1f1b / T between 0.85 and 1.0) but not an upper bound
          of gpipe (up to 1.16x), whose forward and backward bottlenecks can sit on different stages.
        - *Planning time* (measured, so it varies between runs): milliseconds to tens of milliseconds for 10-160 layers
          on 8-node meshes, a few hundred milliseconds at 24-32 nodes; the exact joint mode costs a few times more. On
          small meshes HopSplit finds the same optimum as exhaustive search every time, tens to hundreds of times faster.
        """;

    public static string For(string family) => family switch
    {
        "baselines" => """
            **Reading.** HopSplit is never slower than a baseline (it is optimal for T; checked on every point). Against
            sequential split learning its gain grows with bandwidth (VGG-16: 1.25x at 10 Mbps to 4.1x at 1 Gbps;
            ResNet-18: 1.0x to 2.7x) and is flat in chain length, because the plans cut after VGG-16's tenth layer (or
            ResNet-18's seventh) and use the device and the first edge node only: further nodes are faster but every
            extra hop is one more 100 Mbps link stage in the round trip and never relieves the bottleneck (the
            device's early layers or the first link). The two-tier baseline is therefore as good as HopSplit on most
            chain, tree and mesh instances; it loses only where three or four compute segments pay (VGG-16 at
            200 Mbps-1 Gbps, by up to 3%; the measured VGG-16 at 500 Mbps-1 Gbps, by up to 1.4%). As bandwidth falls the
            cut moves later (VGG-16: after layer 9 at 100 Mbps, layer 30 at 10 Mbps), where activations are smaller. Bottleneck-only loses where the lowest bottleneck costs a longer
            round trip (digits CNN: 1.34x slower over the bandwidth sweep; AlexNet on trees 3-13%). The GPU-measured
            profiles pipeline less than the FLOP counts (VGG-16 1.32x against 1.76x at 100 Mbps): measured ReLU and
            pooling layers make the device's share more expensive than FLOPs suggest.
            """,
        "alternating-gap" => """
            **Reading.** HopSplit's default alternation is exact on all but one instance. The paper's start at b = B
            alone gets stuck on the sequential plan in about one instance in five: at b = B the best plan is the
            non-pipelined one, and its own closed-form b* does not move far enough for a pipelined plan to win.
            Starting a second alternation from b = 1 fixes that at twice the cost; the exact mode (one MSP per distinct
            M) remains available when a guarantee matters.
            """,
        "planning-time" => """
            **Reading.** Planning is interactive-fast at these sizes. Time grows roughly linearly with layers but faster
            with nodes: random meshes with cycles make shortest walks revisit nodes, which the solver then resolves by
            searching with visited nodes in the state (docs/planner.md). Timings are noisy (a shared 2-core machine,
            medians of 3) and instance-dependent, so neither curve is monotone; the exhaustive comparison also checks
            correctness: the same optimal T on every instance.
            """,
        "formula-vs-simulation" => """
            **Reading.** 1f1b finishes at or below the formula on every plan, and within 1.5% of it at the median; gpipe
            is at or above it, by up to 16% when the forward bottleneck (often a link, where F = G) and the backward
            bottleneck (a compute stage, where G = 2F) differ: T charges (M - 1) max(F + G), gpipe pays
            (M - 1) (max F + max G). Plans with one stage (everything on the device) are exact by construction. The
            lower bound is met or nearly met at the planner's own b; at b = B/4 (four micro-batches) fill and drain
            leave up to 15% between the better schedule and the bound.
            """,
        "micro-batch" => """
            **Reading.** T(b) is a sawtooth: M = ceil(B / b) jumps at every b that divides B differently, and the b that
            divide B are its local minima. The closed-form b* lands within one of the chosen integer b on every
            network (ResNet-18: b* = 2.5, b = 2; measured VGG-16: b* = 1.1-1.3, b = 1), so the integer search around it
            is short. Small micro-batches win whenever any link or second node is used: fixed overheads (2 ms per pass
            and per hop) are small against per-sample costs at these sizes. At 10 Mbps ResNet-18 stays on the device
            and b = B: pipelining has nothing to overlap.
            """,
        "heterogeneity" => """
            **Reading.** On a 100 Mbps chain the speedup hardly depends on heterogeneity (VGG-16 1.72x at 1x to 1.78x at
            100x; ResNet-18 1.16x to 1.17x): the pipeline's bottleneck is the device's part and the first link, which
            faster downstream nodes do not change. With equal speeds HopSplit spreads VGG-16 over three nodes and the
            two-tier baseline is 5% slower. Memory-tight nodes force earlier cuts and bigger activations on the links:
            VGG-16's T grows from 8.7 s to 16.9 s at half memory and 66 s at a fifth, and below a tenth no plan fits
            (the device cannot hold its first layer's activations for B = 32 under gpipe's memory model, MODEL.md
            section 6). Pipelining's advantage over sequential shrinks for VGG-16 (1.76x to 1.22x) but grows for
            ResNet-18 at a tenth of memory (1.59x), where the sequential plan is forced to a worse cut.
            """,
        "fluctuating-bandwidth" => """
            **Reading.** A plan fixed for the mean bandwidth loses a few percent when bandwidth varies by about 25%
            (sigma 0.25: 0-11% regret), 13-34% at sigma 0.5 and 69-186% at sigma 1, with single iterations several times
            slower than the re-planned optimum (the exception is ResNet-18 at 20 Mbps, whose plan stays on the device
            and barely depends on links). Part of it is Jensen's inequality: a factor of mean 1 makes transfers
            slower on average (E[1/factor] = e^(sigma^2)), so plans that route much data over links degrade most, and
            with sigma = 1 the static pipelined plan is slower on average than sequential split learning (also planned
            once, for the mean) in five of the six cases. Planning for a pessimistic bandwidth (a low quantile or the harmonic mean) or re-planning when the
            measured bandwidth drifts would recover most of it; the oracle column bounds that gain.
            """,
        _ => "",
    };
}
