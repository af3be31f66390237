using System.Buffers.Binary;
using System.Numerics;

namespace Seq2Seq.Observability;

/// <summary>
/// The record framing of TensorBoard event files (TFRecord): each record is its length as a little-endian uint64,
/// the masked CRC-32C of those 8 bytes, the data, and the masked CRC-32C of the data.
/// </summary>
internal static class EventRecords
{
    /// <summary>Writes one record holding <paramref name="data"/>.</summary>
    public static void Write(Stream stream, ReadOnlySpan<byte> data)
    {
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], MaskedCrc32C(header[..8]));
        Span<byte> footer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(footer, MaskedCrc32C(data));
        stream.Write(header);
        stream.Write(data);
        stream.Write(footer);
    }

    /// <summary>
    /// The records of a file, in order, up to the first one that is cut short or fails its checksums (what a killed
    /// writer leaves at the end is dropped, never read as data).
    /// </summary>
    public static List<byte[]> Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var records = new List<byte[]>();
        int at = 0;
        while (at + 12 <= bytes.Length)
        {
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(at));
            if (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 8)) != MaskedCrc32C(bytes.AsSpan(at, 8))) break;
            if (length > (ulong)(bytes.Length - at - 16)) break;
            var data = bytes.AsSpan(at + 12, (int)length);
            if (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 12 + (int)length)) != MaskedCrc32C(data)) break;
            records.Add(data.ToArray());
            at += 16 + (int)length;
        }
        return records;
    }

    /// <summary>CRC-32C (Castagnoli) of <paramref name="data"/>, rotated right by 15 bits plus 0xa282ead8, as TFRecord stores it.</summary>
    public static uint MaskedCrc32C(ReadOnlySpan<byte> data)
    {
        uint crc = Crc32C(data);
        return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
    }

    /// <summary>The standard CRC-32C: initial value and final xor all ones.</summary>
    public static uint Crc32C(ReadOnlySpan<byte> data)
    {
        uint crc = ~0u;
        foreach (byte b in data) crc = BitOperations.Crc32C(crc, b);
        return ~crc;
    }
}
