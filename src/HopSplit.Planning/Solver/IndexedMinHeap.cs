using System.Runtime.CompilerServices;

namespace HopSplit.Planning.Solver;

/// <summary>
/// A binary min-heap of the items 0..capacity-1 keyed by a double, with decrease-key: each item is
/// in the heap at most once, so a Dijkstra over a level's nodes never pops stale entries, and the
/// arrays are reused from one level and one search to the next (no allocation in the inner loop).
/// </summary>
internal sealed class IndexedMinHeap
{
    private readonly int[] _items;      // heap order
    private readonly double[] _keys;    // per item
    private readonly int[] _position;   // per item: its index in _items, -1 when not in the heap
    private int _count;

    public IndexedMinHeap(int capacity)
    {
        _items = new int[capacity];
        _keys = new double[capacity];
        _position = new int[capacity];
        Array.Fill(_position, -1);
    }

    public int Count => _count;

    public void Clear()
    {
        for (var i = 0; i < _count; i++) _position[_items[i]] = -1;
        _count = 0;
    }

    /// <summary>Adds the item with this key, or lowers its key when it is already in the heap with a larger one.</summary>
    public void InsertOrDecrease(int item, double key)
    {
        var at = _position[item];
        if (at < 0)
        {
            at = _count++;
            _items[at] = item;
            _position[item] = at;
        }
        else if (!(key < _keys[item])) return;
        _keys[item] = key;
        SiftUp(at);
    }

    /// <summary>Removes the item with the smallest key; false when the heap is empty.</summary>
    public bool TryPop(out int item, out double key)
    {
        if (_count == 0)
        {
            item = -1;
            key = double.PositiveInfinity;
            return false;
        }
        item = _items[0];
        key = _keys[item];
        _position[item] = -1;
        _count--;
        if (_count > 0)
        {
            var last = _items[_count];
            _items[0] = last;
            _position[last] = 0;
            SiftDown(0);
        }
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SiftUp(int at)
    {
        var item = _items[at];
        var key = _keys[item];
        while (at > 0)
        {
            var parent = (at - 1) >> 1;
            var above = _items[parent];
            if (!(key < _keys[above])) break;
            _items[at] = above;
            _position[above] = at;
            at = parent;
        }
        _items[at] = item;
        _position[item] = at;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SiftDown(int at)
    {
        var item = _items[at];
        var key = _keys[item];
        while (true)
        {
            var child = 2 * at + 1;
            if (child >= _count) break;
            if (child + 1 < _count && _keys[_items[child + 1]] < _keys[_items[child]]) child++;
            var below = _items[child];
            if (!(_keys[below] < key)) break;
            _items[at] = below;
            _position[below] = at;
            at = child;
        }
        _items[at] = item;
        _position[item] = at;
    }
}
