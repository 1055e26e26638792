using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using HopSplit.Build;

namespace HopSplit.Runtime.Tests;

public sealed class NativeFixTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("hopsplit-elf-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    static string CachedLibrary()
    {
        var package = typeof(NativeFixTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "TorchSharpPackage").Value!;
        var library = Path.Combine(package, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.True(File.Exists(library), "TorchSharp's native library is not in the NuGet cache: " + library);
        return library;
    }

    static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    [Fact]
    public void Marking_GLIBCXX_3_4_32_weak_patches_once_then_changes_nothing_and_leaves_the_cache_alone()
    {
        var cached = CachedLibrary();
        var cachedBefore = Hash(cached);
        var copy = Path.Combine(folder, "libLibTorchSharp.so");
        File.Copy(cached, copy);

        Assert.Equal(ElfPatchStatus.Patched, ElfVersionPatcher.FindVernauxFlags(File.ReadAllBytes(copy), "GLIBCXX_3.4.32", out var offset, out _));
        Assert.Equal(0, File.ReadAllBytes(copy)[offset] & ElfVersionPatcher.VerFlgWeak);

        var first = ElfVersionPatcher.MarkVersionWeak(copy);
        Assert.Equal(ElfPatchStatus.Patched, first.Status);
        var afterFirst = File.ReadAllBytes(copy);
        Assert.Equal(ElfVersionPatcher.VerFlgWeak, afterFirst[offset] & ElfVersionPatcher.VerFlgWeak);
        // Only that one flag changed.
        var original = File.ReadAllBytes(cached);
        Assert.Equal(original.Length, afterFirst.Length);
        Assert.Equal(new[] { offset }, Enumerable.Range(0, original.Length).Where(i => original[i] != afterFirst[i]).Select(i => (long)i));

        var second = ElfVersionPatcher.MarkVersionWeak(copy);
        Assert.Equal(ElfPatchStatus.AlreadyWeak, second.Status);
        Assert.True(second.Succeeded);
        Assert.Equal(afterFirst, File.ReadAllBytes(copy));

        Assert.Equal(cachedBefore, Hash(cached));
        Assert.Single(Directory.GetFiles(folder));   // no temporary file left behind
    }

    [DllImport("libc", SetLastError = true)]
    static extern int link(string existing, string created);

    [Fact]
    public void A_hard_link_is_replaced_not_written_through()
    {
        if (!OperatingSystem.IsLinux()) return;
        // Like an output file hard-linked into the NuGet cache: patching it must not change the other name.
        var original = Path.Combine(folder, "cache.so");
        File.Copy(CachedLibrary(), original);
        var originalHash = Hash(original);
        var linked = Path.Combine(folder, "libLibTorchSharp.so");
        Assert.True(link(original, linked) == 0, "link failed: " + Marshal.GetLastPInvokeError());

        Assert.Equal(ElfPatchStatus.Patched, ElfVersionPatcher.MarkVersionWeak(linked).Status);

        Assert.Equal(originalHash, Hash(original));
        Assert.NotEqual(originalHash, Hash(linked));
        Assert.Equal(ElfPatchStatus.AlreadyWeak, ElfVersionPatcher.MarkVersionWeak(linked).Status);
        Assert.Equal(ElfPatchStatus.Patched, ElfVersionPatcher.FindVernauxFlags(File.ReadAllBytes(original), "GLIBCXX_3.4.32", out var offset, out _));
        Assert.Equal(0, File.ReadAllBytes(original)[offset] & ElfVersionPatcher.VerFlgWeak);
    }

    [Fact]
    public void A_file_that_is_not_elf_gives_a_failure_result()
    {
        var text = Path.Combine(folder, "libLibTorchSharp.so");
        File.WriteAllText(text, "a text file, not a shared library\n");
        var result = ElfVersionPatcher.MarkVersionWeak(text);
        Assert.Equal(ElfPatchStatus.NotElf, result.Status);
        Assert.False(result.Succeeded);
        Assert.Contains("not an ELF file", result.Message);

        var empty = Path.Combine(folder, "empty.so");
        File.WriteAllBytes(empty, []);
        Assert.Equal(ElfPatchStatus.NotElf, ElfVersionPatcher.MarkVersionWeak(empty).Status);

        var missing = ElfVersionPatcher.MarkVersionWeak(Path.Combine(folder, "missing.so"));
        Assert.Equal(ElfPatchStatus.IoError, missing.Status);
    }

    [Fact]
    public void An_elf_file_without_the_requirement_gives_entry_missing()
    {
        var copy = Path.Combine(folder, "libLibTorchSharp.so");
        File.Copy(CachedLibrary(), copy);
        var result = ElfVersionPatcher.MarkVersionWeak(copy, "GLIBCXX_9.9.99");
        Assert.Equal(ElfPatchStatus.EntryMissing, result.Status);
        Assert.Contains("GLIBCXX_9.9.99", result.Message);
    }

    [Fact]
    public void A_truncated_elf_file_gives_a_failure_result()
    {
        var bytes = File.ReadAllBytes(CachedLibrary());
        var truncated = Path.Combine(folder, "truncated.so");
        File.WriteAllBytes(truncated, bytes.AsSpan(0, 4096).ToArray());
        Assert.Equal(ElfPatchStatus.NotElf, ElfVersionPatcher.MarkVersionWeak(truncated).Status);
    }
}
