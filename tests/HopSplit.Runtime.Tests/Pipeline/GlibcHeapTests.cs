using HopSplit.Runtime;

namespace HopSplit.Runtime.Tests.Pipeline;

public class GlibcHeapTests
{
    [Fact]
    public void Glibc_takes_both_thresholds_on_linux_and_nothing_changes_elsewhere()
    {
        // This project's Linux machines run glibc (Debian); mallopt rejects values above its limits.
        Assert.Equal(OperatingSystem.IsLinux(), GlibcHeap.KeepLargeBlocks());
    }
}
