// Makes TorchSharp's native libLibTorchSharp.so loadable on a libstdc++ older than GCC 13.
//
// TorchSharp 0.107.0 (libtorch 2.10) is built with GCC 13: libLibTorchSharp.so needs the symbol
// version GLIBCXX_3.4.32, which it only uses for std::ios_base_library_init(), referenced but never
// called. Debian 12's libstdc++ stops at GLIBCXX_3.4.30, so the dynamic loader refuses the library
// (TorchSharp reports DllNotFoundException). Marking that version requirement weak (VER_FLG_WEAK in
// the Vernaux entry of .gnu.version_r) lets the loader accept the library.
//
// This one file is both the MSBuild inline task (RoslynCodeTaskFactory, Source= in
// TorchSharpNativeFix.targets) and, compiled with HOPSPLIT_ELF_PATCHER_ONLY, the testable ELF logic.
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace HopSplit.Build
{
    /// <summary>What <see cref="ElfVersionPatcher.MarkVersionWeak"/> did.</summary>
    public enum ElfPatchStatus
    {
        /// <summary>The flag was set; the file was replaced by a patched copy.</summary>
        Patched,
        /// <summary>The entry was already weak; the file was not touched.</summary>
        AlreadyWeak,
        /// <summary>Not a 64-bit little-endian ELF file, or its headers do not hold together.</summary>
        NotElf,
        /// <summary>A valid ELF file without a version requirement of that name.</summary>
        EntryMissing,
        /// <summary>Reading or writing the file failed.</summary>
        IoError,
    }

    /// <summary>The outcome of one patch attempt, with a sentence for the build log.</summary>
    public sealed class ElfPatchResult
    {
        public ElfPatchResult(ElfPatchStatus status, string message)
        {
            Status = status;
            Message = message;
        }

        public ElfPatchStatus Status { get; }
        public string Message { get; }
        public bool Succeeded => Status == ElfPatchStatus.Patched || Status == ElfPatchStatus.AlreadyWeak;
        public override string ToString() => Status + ": " + Message;
    }

    /// <summary>Sets VER_FLG_WEAK on a version requirement of an ELF64 little-endian shared library.</summary>
    public static class ElfVersionPatcher
    {
        public const string TorchSharpVersion = "GLIBCXX_3.4.32";
        public const ushort VerFlgWeak = 0x2;
        const uint ShtGnuVerneed = 0x6ffffffe;

        /// <summary>
        /// Marks the requirement <paramref name="versionName"/> weak in <paramref name="path"/>.
        /// Idempotent. Never writes into the existing file: the patched bytes go to a temporary file
        /// in the same folder that then replaces it, so a hard link (e.g. into the NuGet cache) is left
        /// as it was. Never throws for a bad file; the result says what went wrong.
        /// </summary>
        public static ElfPatchResult MarkVersionWeak(string path, string versionName = TorchSharpVersion)
        {
            byte[] data;
            try
            {
                data = File.ReadAllBytes(path);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                return new ElfPatchResult(ElfPatchStatus.IoError, "cannot read " + path + ": " + e.Message);
            }

            var found = FindVernauxFlags(data, versionName, out var flagsOffset, out var error);
            if (found != ElfPatchStatus.Patched)
                return new ElfPatchResult(found, path + ": " + error);

            var flags = ReadU16(data, flagsOffset);
            if ((flags & VerFlgWeak) != 0)
                return new ElfPatchResult(ElfPatchStatus.AlreadyWeak, path + ": " + versionName + " is already weak");

            var newFlags = (ushort)(flags | VerFlgWeak);
            var temp = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".",
                "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N") + ".tmp");
            try
            {
                // File.Copy keeps the permissions; the copy is a new inode, so writing it cannot reach
                // whatever the original is linked to.
                File.Copy(path, temp, overwrite: true);
                using (var stream = new FileStream(temp, FileMode.Open, FileAccess.Write, FileShare.None))
                {
                    stream.Position = flagsOffset;
                    stream.WriteByte((byte)(newFlags & 0xff));
                    stream.WriteByte((byte)(newFlags >> 8));
                }
                // Keep the original's time stamp: the build's copy step then still sees the output as
                // up to date (same size and time) and does not copy the unpatched library over it again.
                File.SetLastWriteTimeUtc(temp, File.GetLastWriteTimeUtc(path));
                ReplaceWith(temp, path);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                TryDelete(temp);
                return new ElfPatchResult(ElfPatchStatus.IoError, "cannot write " + path + ": " + e.Message);
            }

            return new ElfPatchResult(ElfPatchStatus.Patched,
                path + ": marked " + versionName + " weak (vna_flags 0x" + flags.ToString("x") + " -> 0x" + newFlags.ToString("x") + ")");
        }

        /// <summary>
        /// Finds the file offset of vna_flags of the Vernaux entry named <paramref name="versionName"/>.
        /// Returns Patched when found (the caller decides), NotElf or EntryMissing otherwise.
        /// </summary>
        public static ElfPatchStatus FindVernauxFlags(byte[] data, string versionName, out long flagsOffset, out string error)
        {
            flagsOffset = -1;
            error = "";
            if (data.Length < 64 || data[0] != 0x7f || data[1] != (byte)'E' || data[2] != (byte)'L' || data[3] != (byte)'F')
            {
                error = "not an ELF file";
                return ElfPatchStatus.NotElf;
            }
            if (data[4] != 2 || data[5] != 1)
            {
                error = "not a 64-bit little-endian ELF file (class " + data[4] + ", data " + data[5] + ")";
                return ElfPatchStatus.NotElf;
            }

            var shoff = ReadU64(data, 0x28);
            var shentsize = ReadU16(data, 0x3a);
            var shnum = ReadU16(data, 0x3c);
            var shstrndx = ReadU16(data, 0x3e);
            if (shoff == 0 || shnum == 0 || shentsize < 64 || !InRange(data, shoff, (ulong)shentsize * shnum))
            {
                error = "no section headers, or section headers outside the file";
                return ElfPatchStatus.NotElf;
            }

            long Header(int index) => (long)shoff + (long)index * shentsize;
            string SectionName(int index)
            {
                if (shstrndx >= shnum) return "";
                var strtab = Header(shstrndx);
                return ReadString(data, ReadU64(data, strtab + 24), ReadU64(data, strtab + 32), ReadU32(data, Header(index))) ?? "";
            }

            var verneed = -1;
            for (var i = 0; i < shnum && verneed < 0; i++)
                if (ReadU32(data, Header(i) + 4) == ShtGnuVerneed || SectionName(i) == ".gnu.version_r")
                    verneed = i;
            if (verneed < 0)
            {
                error = "no .gnu.version_r section, so no " + versionName + " requirement";
                return ElfPatchStatus.EntryMissing;
            }

            var sectionOffset = ReadU64(data, Header(verneed) + 24);
            var sectionSize = ReadU64(data, Header(verneed) + 32);
            var link = ReadU32(data, Header(verneed) + 40);
            var count = ReadU32(data, Header(verneed) + 44);
            if (!InRange(data, sectionOffset, sectionSize) || link >= shnum)
            {
                error = ".gnu.version_r or its string table lies outside the file";
                return ElfPatchStatus.NotElf;
            }
            var strOffset = ReadU64(data, Header((int)link) + 24);
            var strSize = ReadU64(data, Header((int)link) + 32);
            if (!InRange(data, strOffset, strSize))
            {
                error = "the string table of .gnu.version_r lies outside the file";
                return ElfPatchStatus.NotElf;
            }

            // Verneed {u16 vn_version, u16 vn_cnt, u32 vn_file, u32 vn_aux, u32 vn_next}
            // Vernaux {u32 vna_hash, u16 vna_flags, u16 vna_other, u32 vna_name, u32 vna_next}
            ulong need = 0;
            var needs = 0u;
            var seen = new List<string>();
            while (true)
            {
                if (need + 16 > sectionSize || needs++ > Math.Max(count, 1u) + 1024)
                {
                    error = ".gnu.version_r entries run outside the section";
                    return ElfPatchStatus.NotElf;
                }
                var n = (long)(sectionOffset + need);
                var vnCnt = ReadU16(data, n + 2);
                ulong aux = need + ReadU32(data, n + 8);
                for (var j = 0; j < vnCnt; j++)
                {
                    if (aux + 16 > sectionSize)
                    {
                        error = ".gnu.version_r entries run outside the section";
                        return ElfPatchStatus.NotElf;
                    }
                    var a = (long)(sectionOffset + aux);
                    var name = ReadString(data, strOffset, strSize, ReadU32(data, a + 8));
                    if (name == versionName)
                    {
                        flagsOffset = a + 4;
                        return ElfPatchStatus.Patched;
                    }
                    if (name != null) seen.Add(name);
                    var next = ReadU32(data, a + 12);
                    if (next == 0) break;
                    aux += next;
                }
                var vnNext = ReadU32(data, n + 12);
                if (vnNext == 0) break;
                need += vnNext;
            }
            error = "no " + versionName + " requirement in .gnu.version_r (" + seen.Count + " others)";
            return ElfPatchStatus.EntryMissing;
        }

        /// <summary>True when the file (a libstdc++) contains the NUL-terminated string <paramref name="version"/>.</summary>
        public static bool ContainsVersionString(string path, string version = TorchSharpVersion)
        {
            var data = File.ReadAllBytes(path);
            var needle = Encoding.ASCII.GetBytes(version);
            for (var i = 0; i + needle.Length < data.Length; i++)
            {
                if (data[i] != needle[0]) continue;
                var j = 1;
                while (j < needle.Length && data[i + j] == needle[j]) j++;
                if (j == needle.Length && data[i + j] == 0 && (i == 0 || data[i - 1] == 0)) return true;
            }
            return false;
        }

        static void ReplaceWith(string temp, string path)
        {
            try
            {
                File.Replace(temp, path, null);   // rename(2) on Unix: atomic, the old inode is left alone
            }
            catch (PlatformNotSupportedException)
            {
                File.Delete(path);
                File.Move(temp, path);
            }
        }

        static void TryDelete(string path)
        {
            try { if (File.Exists(path)) File.Delete(path); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }

        static bool InRange(byte[] data, ulong offset, ulong size) =>
            offset <= (ulong)data.Length && size <= (ulong)data.Length - offset;

        static string? ReadString(byte[] data, ulong tableOffset, ulong tableSize, uint index)
        {
            if (index >= tableSize) return null;
            var start = (long)(tableOffset + index);
            var end = start;
            var limit = (long)(tableOffset + tableSize);
            while (end < limit && data[end] != 0) end++;
            return end < limit ? Encoding.ASCII.GetString(data, (int)start, (int)(end - start)) : null;
        }

        static ushort ReadU16(byte[] d, long o) =>
            o < 0 || o + 2 > d.Length ? (ushort)0 : (ushort)(d[o] | d[o + 1] << 8);

        static uint ReadU32(byte[] d, long o) =>
            o < 0 || o + 4 > d.Length ? 0u : (uint)(d[o] | d[o + 1] << 8 | d[o + 2] << 16 | d[o + 3] << 24);

        static ulong ReadU64(byte[] d, long o) =>
            o < 0 || o + 8 > d.Length ? 0ul : ReadU32(d, o) | (ulong)ReadU32(d, o + 4) << 32;
    }

#if !HOPSPLIT_ELF_PATCHER_ONLY
    /// <summary>
    /// MSBuild task: on Linux, when the machine's libstdc++.so.6 lacks GLIBCXX_3.4.32, marks that
    /// requirement weak in every libLibTorchSharp.so under <see cref="Directory"/>.
    /// </summary>
    public class HopSplitFixTorchSharpNative : Microsoft.Build.Utilities.Task
    {
        /// <summary>The output (or publish) folder to search.</summary>
        [Microsoft.Build.Framework.Required]
        public string Directory { get; set; } = "";

        /// <summary>Optional: the libstdc++.so.6 to check instead of the one found on the machine.</summary>
        public string LibStdCxx { get; set; } = "";

        public override bool Execute()
        {
            const Microsoft.Build.Framework.MessageImportance Low = Microsoft.Build.Framework.MessageImportance.Low;
            if (!System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Linux))
            {
                Log.LogMessage(Low, "HopSplit: not Linux, TorchSharp native fix not needed.");
                return true;
            }
            if (!System.IO.Directory.Exists(Directory))
                return true;
            var libraries = System.IO.Directory.GetFiles(Directory, "libLibTorchSharp.so", SearchOption.AllDirectories);
            if (libraries.Length == 0)
            {
                Log.LogMessage(Low, "HopSplit: no libLibTorchSharp.so under " + Directory + ".");
                return true;
            }

            var libstdcxx = string.IsNullOrEmpty(LibStdCxx) ? FindLibStdCxx() : LibStdCxx;
            if (libstdcxx == null || !File.Exists(libstdcxx))
            {
                Log.LogMessage(Low, "HopSplit: libstdc++.so.6 not found; TorchSharp native fix skipped.");
                return true;
            }
            if (ElfVersionPatcher.ContainsVersionString(libstdcxx))
            {
                Log.LogMessage(Low, "HopSplit: " + libstdcxx + " provides " + ElfVersionPatcher.TorchSharpVersion + "; TorchSharp native fix not needed.");
                return true;
            }

            foreach (var library in libraries)
            {
                var result = ElfVersionPatcher.MarkVersionWeak(library);
                switch (result.Status)
                {
                    case ElfPatchStatus.Patched:
                        Log.LogMessage(Microsoft.Build.Framework.MessageImportance.High,
                            "HopSplit: " + result.Message + ", because " + libstdcxx + " lacks it (GCC older than 13).");
                        break;
                    case ElfPatchStatus.AlreadyWeak:
                        Log.LogMessage(Low, "HopSplit: " + result.Message + ".");
                        break;
                    default:
                        Log.LogWarning(null, "HSB001", null, library, 0, 0, 0, 0,
                            "HopSplit could not make TorchSharp's native library loadable here ({0}): {1}. It will likely fail to load with DllNotFoundException.",
                            result.Status, result.Message);
                        break;
                }
            }
            return !Log.HasLoggedErrors;
        }

        static string? FindLibStdCxx()
        {
            const string debian = "/usr/lib/x86_64-linux-gnu/libstdc++.so.6";
            if (System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.X64 && File.Exists(debian))
                return debian;
            try
            {
                var start = new System.Diagnostics.ProcessStartInfo("ldconfig", "-p")
                {
                    RedirectStandardOutput = true,
                    UseShellExecute = false,
                };
                using var process = System.Diagnostics.Process.Start(start);
                if (process == null) return null;
                var output = process.StandardOutput.ReadToEnd();
                process.WaitForExit();
                string? first = null;
                foreach (var line in output.Split('\n'))
                {
                    var trimmed = line.Trim();
                    if (!trimmed.StartsWith("libstdc++.so.6 ", StringComparison.Ordinal)) continue;
                    var arrow = trimmed.IndexOf("=> ", StringComparison.Ordinal);
                    if (arrow < 0) continue;
                    var candidate = trimmed.Substring(arrow + 3).Trim();
                    var is64 = trimmed.Contains("x86-64") || trimmed.Contains("AArch64");
                    if (is64 == Environment.Is64BitProcess) return candidate;
                    first ??= candidate;
                }
                return first;
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception || e is InvalidOperationException || e is IOException)
            {
                return null;
            }
        }
    }
#endif
}
