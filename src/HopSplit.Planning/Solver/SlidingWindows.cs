using System.Runtime.CompilerServices;

namespace HopSplit.Planning.Solver;

/// <summary>
/// Sliding-window minima for many windows at once: one monotone deque of (level, value) per
/// window, where levels are pushed in increasing order and the window's first allowed level only
/// moves forward. Storage is taken when a window is first pushed to and grows with what it holds,
/// and the windows that hold something are listed, so a search that touches few of its windows pays
/// for those only.
/// </summary>
internal sealed class SlidingWindows
{
    private const int InitialCapacity = 8;

    private readonly int _maxEntries;
    private int[] _offset = [];     // per window: where its storage starts in the pool, -1 before its first push
    private int[] _capacity = [];
    private int[] _head = [];       // entries [head, tail) of the storage, best value at head
    private int[] _tail = [];
    private int[] _position = [];   // per window: its index in _active, -1 when empty
    private int[] _levels = [];
    private double[] _values = [];
    private int _poolUsed;
    private int _windows;
    private readonly List<int> _active = new();
    private readonly List<int> _used = new(); // windows given storage since the reset

    /// <param name="maxEntries">The most entries one window can hold (the number of distinct levels).</param>
    public SlidingWindows(int maxEntries) => _maxEntries = maxEntries;

    /// <summary>The windows that hold at least one entry, in no particular order.</summary>
    public IReadOnlyList<int> Active => _active;

    /// <summary>Empties every window and lays out <paramref name="windows"/> of them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Reset(int windows)
    {
        if (_offset.Length < windows)
        {
            _offset = new int[windows];
            _capacity = new int[windows];
            _head = new int[windows];
            _tail = new int[windows];
            _position = new int[windows];
            _offset.AsSpan().Fill(-1);
            _position.AsSpan().Fill(-1);
        }
        else
        {
            // Only the windows the last search used need forgetting: with many tracked nodes there
            // are millions of windows and a search touches few of them.
            foreach (var window in _used)
            {
                _offset[window] = -1;
                _position[window] = -1;
            }
        }
        _used.Clear();
        _windows = windows;
        _active.Clear();
        _poolUsed = 0;
    }

    /// <summary>Adds a candidate; candidates pushed earlier with a value no better are dropped, as they can never be the minimum again.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Push(int window, int level, double value)
    {
        if ((uint)window >= (uint)_windows) throw new ArgumentOutOfRangeException(nameof(window));
        if (_offset[window] < 0) Allocate(window, InitialCapacity);
        var offset = _offset[window];
        ref var head = ref _head[window];
        ref var tail = ref _tail[window];
        if (tail > head && _levels[offset + tail - 1] >= level)
            throw new ArgumentException("levels must be pushed in increasing order", nameof(level));
        while (tail > head && _values[offset + tail - 1] >= value) tail--;
        if (tail == _capacity[window]) MakeRoom(window);
        offset = _offset[window];
        _levels[offset + _tail[window]] = level;
        _values[offset + _tail[window]] = value;
        _tail[window]++;
        if (_position[window] < 0)
        {
            _position[window] = _active.Count;
            _active.Add(window);
        }
    }

    /// <summary>
    /// The smallest value among the candidates at level <paramref name="firstAllowed"/> or later, and
    /// its level; candidates before it are dropped for good. False (and the window leaves
    /// <see cref="Active"/>) when none is left.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryMinimum(int window, int firstAllowed, out int level, out double value)
    {
        var offset = _offset[window];
        if (offset < 0)
        {
            level = -1;
            value = double.PositiveInfinity;
            return false; // never pushed to since the reset
        }
        ref var head = ref _head[window];
        var tail = _tail[window];
        while (head < tail && _levels[offset + head] < firstAllowed) head++;
        if (head == tail)
        {
            Deactivate(window);
            level = -1;
            value = double.PositiveInfinity;
            return false;
        }
        level = _levels[offset + head];
        value = _values[offset + head];
        return true;
    }

    private void Deactivate(int window)
    {
        var position = _position[window];
        if (position < 0) return;
        var last = _active[^1];
        _active[position] = last;
        _position[last] = position;
        _active.RemoveAt(_active.Count - 1);
        _position[window] = -1;
        _head[window] = _tail[window] = 0;
    }

    /// <summary>Full storage: slide the entries to its start, or move them to storage twice as large.</summary>
    private void MakeRoom(int window)
    {
        var offset = _offset[window];
        var head = _head[window];
        var count = _tail[window] - head;
        if (head > 0)
        {
            Array.Copy(_levels, offset + head, _levels, offset, count);
            Array.Copy(_values, offset + head, _values, offset, count);
        }
        else
        {
            Allocate(window, Math.Min(2 * _capacity[window], _maxEntries));
            Array.Copy(_levels, offset, _levels, _offset[window], count);
            Array.Copy(_values, offset, _values, _offset[window], count);
        }
        _head[window] = 0;
        _tail[window] = count;
    }

    private void Allocate(int window, int capacity)
    {
        if (_poolUsed + capacity > _levels.Length)
        {
            var size = Math.Max(2 * _levels.Length, _poolUsed + capacity);
            Array.Resize(ref _levels, size);
            Array.Resize(ref _values, size);
        }
        if (_offset[window] < 0) _used.Add(window);
        _offset[window] = _poolUsed;
        _capacity[window] = capacity;
        _poolUsed += capacity;
        _head[window] = _tail[window] = 0;
    }
}
