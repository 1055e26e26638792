using System.Runtime.CompilerServices;

namespace HopSplit.Planning.Solver;

/// <summary>
/// The states of one search of <see cref="LayeredPlanGraph"/>, stored only for the (level, mask)
/// blocks the search reaches. With tracked nodes most blocks stay unreached (the cutoff and
/// dominance drop their states), so memory and the reset between searches follow what a search
/// touches, not the 2^tracked blocks per level it could touch. A block holds one state per node; a
/// state's index is slot * nodes + node, stable for the whole search (arrays grow, slots never move).
/// </summary>
internal sealed class StateBlocks
{
    private readonly int _nodes;
    private int[] _slotOf = [];      // per block: its slot, -1 while unreached
    private int[] _blockOf = [];     // per slot: its block
    private int _blockCount;

    public StateBlocks(int nodes) => _nodes = nodes;

    /// <summary>Distance to each arrival vertex (infinity while unreached).</summary>
    public double[] Arrival { get; private set; } = [];

    /// <summary>Distance to each departure vertex.</summary>
    public double[] Departure { get; private set; } = [];

    /// <summary>For a departure: the level its segment started at.</summary>
    public int[] DepartureFromLevel { get; private set; } = [];

    /// <summary>For an arrival: the state its link came from, the link, and whether that state is a departure.</summary>
    public int[] ArrivalFrom { get; private set; } = [];

    public int[] ArrivalFromLink { get; private set; } = [];

    public bool[] ArrivalFromDeparture { get; private set; } = [];

    /// <summary>Blocks reached by the current search.</summary>
    public int Slots { get; private set; }

    /// <summary>States held by the current search.</summary>
    public long States => (long)Slots * _nodes;

    /// <summary>Forgets the last search and lays out <paramref name="blockCount"/> unreached blocks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Reset(int blockCount)
    {
        for (var slot = 0; slot < Slots; slot++)
        {
            Arrival.AsSpan(slot * _nodes, _nodes).Fill(double.PositiveInfinity);
            Departure.AsSpan(slot * _nodes, _nodes).Fill(double.PositiveInfinity);
            _slotOf[_blockOf[slot]] = -1;
        }
        Slots = 0;
        if (_slotOf.Length < blockCount)
        {
            _slotOf = new int[blockCount];
            Array.Fill(_slotOf, -1);
        }
        _blockCount = blockCount;
    }

    /// <summary>The slot of a block, or -1 when the search has not reached it.</summary>
    public int SlotOf(int block) => _slotOf[block];

    /// <summary>The block stored in a slot.</summary>
    public int BlockOf(int slot) => _blockOf[slot];

    /// <summary>The slot of a block, taking a new one (all states at infinity) when it was unreached.</summary>
    public int Reach(int block)
    {
        if ((uint)block >= (uint)_blockCount) throw new ArgumentOutOfRangeException(nameof(block));
        var slot = _slotOf[block];
        if (slot >= 0) return slot;
        if (Slots == _blockOf.Length) Grow();
        slot = Slots++;
        _slotOf[block] = slot;
        _blockOf[slot] = block;
        return slot;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Grow()
    {
        var slots = Math.Max(16, _blockOf.Length * 2);
        var states = slots * _nodes;
        var used = _blockOf.Length * _nodes;
        _blockOf = Resized(_blockOf, slots);
        Arrival = Resized(Arrival, states);
        Departure = Resized(Departure, states);
        Arrival.AsSpan(used).Fill(double.PositiveInfinity);
        Departure.AsSpan(used).Fill(double.PositiveInfinity);
        DepartureFromLevel = Resized(DepartureFromLevel, states);
        ArrivalFrom = Resized(ArrivalFrom, states);
        ArrivalFromLink = Resized(ArrivalFromLink, states);
        ArrivalFromDeparture = Resized(ArrivalFromDeparture, states);
    }

    private static T[] Resized<T>(T[] array, int length)
    {
        Array.Resize(ref array, length);
        return array;
    }
}
