using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Seq2Seq.ModelStore;

/// <summary>
/// A training run's hold on its model directory: <c>train.lock</c> in it, opened for exclusive use and locked with
/// <c>flock</c>, holds the holder's process id. The operating system drops the lock when the process ends, killed or
/// not, so a file left behind by a killed run never blocks the next one; a run that ends removes the file.
/// </summary>
public sealed class ModelDirectoryLock : IDisposable
{
    private const int LockShared = 1, LockExclusive = 2, LockNonBlocking = 4, ReadOnly = 0; // flock(2), open(2)
    private const int Attempts = 3;

    /// <summary>Whether the C library's open, read and flock can be called (POSIX systems).</summary>
    private static readonly bool HasLibc = !OperatingSystem.IsWindows() && CanCallLibc();

    private readonly FileStream file;
    private readonly string path;

    private ModelDirectoryLock(FileStream file, string path)
    {
        this.file = file;
        this.path = path;
    }

    /// <summary>Creates the directory if needed and locks it, or refuses with the holder's process id.</summary>
    internal static ModelDirectoryLock Acquire(ModelDirectory dir)
    {
        ModelDirectory.WriteOrFail(dir.Path, () => Directory.CreateDirectory(dir.Path));
        string path = dir.LockFile;
        for (int attempt = 1; ; attempt++)
        {
            var (held, error) = TryLock(path);
            if (held is not null) return held;
            var (busy, pid) = Holder(path);
            if (busy || attempt == Attempts && error is null)
                throw new UserErrorException($"{dir.Path}: in use by a training run (process {pid?.ToString(CultureInfo.InvariantCulture) ?? "unknown"}); " +
                    "wait for it to finish or stop it");
            if (attempt == Attempts) throw new UserErrorException($"{path}: cannot write ({error!.Message})", error);
            // Not busy: the holder let go (and removed the file) between the two looks; the next try finds it free.
        }
    }

    /// <summary>The lock, or null and the failure of the open (if that is what failed) when another holds it.</summary>
    private static (ModelDirectoryLock? Held, IOException? Error) TryLock(string path)
    {
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            return (null, e);                                 // a sharing violation (the holder's lock) or a disk error
        }
        catch (UnauthorizedAccessException e)
        {
            throw new UserErrorException($"{path}: cannot write ({e.Message})", e);
        }
        try
        {
            // .NET takes the same flock for FileShare.None unless DOTNET_SYSTEM_IO_DISABLEFILELOCKING turns that off.
            if (HasLibc && Flock((int)file.SafeFileHandle.DangerousGetHandle(), LockExclusive | LockNonBlocking) != 0)
            {
                file.Dispose();
                return (null, null);
            }
            string content = $"{Environment.ProcessId}\n{Guid.NewGuid():N}\n";
            file.SetLength(0);
            file.Write(Encoding.ASCII.GetBytes(content));
            file.Flush();
            // A run that ends removes the file while it still holds it; whoever opened the file before that locks a
            // file that no longer has the name. Reading the name back tells the two apart.
            if (HasLibc && ReadUnlocked(path) != content)
            {
                file.Dispose();
                return (null, null);
            }
            return (new ModelDirectoryLock(file, path), null);
        }
        catch (IOException e)
        {
            file.Dispose();
            throw new UserErrorException($"{path}: cannot write ({e.Message})", e);
        }
    }

    /// <summary>Whether <paramref name="path"/> is locked by someone, and the process id written in it.</summary>
    private static (bool Busy, int? Pid) Holder(string path)
    {
        if (!HasLibc) return (File.Exists(path), null);
        int fd = Open(path, ReadOnly);
        if (fd < 0) return (false, null);
        try
        {
            if (Flock(fd, LockShared | LockNonBlocking) == 0) return (false, null);
            string? text = ReadAll(fd);
            return (true, int.TryParse(text?.Split('\n')[0], NumberStyles.None, CultureInfo.InvariantCulture, out int pid) ? pid : null);
        }
        finally
        {
            _ = Close(fd);
        }
    }

    /// <summary>The file's text, read without taking the lock that .NET's file streams take.</summary>
    private static string? ReadUnlocked(string path)
    {
        int fd = Open(path, ReadOnly);
        if (fd < 0) return null;
        try
        {
            return ReadAll(fd);
        }
        finally
        {
            _ = Close(fd);
        }
    }

    private static string? ReadAll(int fd)
    {
        var buffer = new byte[256];
        long n = Read(fd, buffer, buffer.Length);
        return n < 0 ? null : Encoding.ASCII.GetString(buffer, 0, (int)n);
    }

    private static bool CanCallLibc()
    {
        try
        {
            return Close(-1) == -1;                                              // EBADF: nothing is closed
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    /// <summary>Removes the lock file and then lets go of the lock.</summary>
    public void Dispose()
    {
        if (OperatingSystem.IsWindows()) file.Dispose();   // Windows removes no file that is open without FileShare.Delete
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left behind, it blocks no one: the lock goes with the file handle below.
        }
        file.Dispose();
    }

#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe code for four small calls
    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "read", SetLastError = true)]
    private static extern nint Read(int fd, byte[] buffer, nint count);

    [DllImport("libc", EntryPoint = "close")]
    private static extern int Close(int fd);

    [DllImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static extern int Flock(int fd, int operation);
#pragma warning restore SYSLIB1054
}
