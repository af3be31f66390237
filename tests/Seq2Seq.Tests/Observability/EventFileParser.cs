using System.Buffers.Binary;
using System.Text;

namespace Seq2Seq.Tests.Observability;

/// <summary>
/// Reads TensorBoard event files written by anyone, independently of the library's writer: the TFRecord framing
/// (uint64 length, masked CRC-32C of the length, data, masked CRC-32C of the data, both checked with a bit-by-bit
/// CRC) and the Event protobuf's wall time, step, file version and summary values (tag, simple value, text).
/// </summary>
internal static class EventFileParser
{
    /// <summary>One value of an event's summary.</summary>
    public sealed record Value(string Tag, float? Scalar, string? Text, string? Plugin);

    /// <summary>One event.</summary>
    public sealed record Event(double WallTime, long Step, string? FileVersion, IReadOnlyList<Value> Values);

    /// <summary>Every event of every file in <paramref name="folder"/>, files in name order; fails on a damaged record.</summary>
    public static List<Event> ReadFolder(string folder) =>
        [.. Directory.GetFiles(folder).Order(StringComparer.Ordinal).SelectMany(ReadFile)];

    public static List<Event> ReadFile(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var events = new List<Event>();
        int at = 0;
        while (at < bytes.Length)
        {
            Assert.True(at + 12 <= bytes.Length, $"{path}: record header cut at byte {at}");
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(at));
            Assert.Equal(Masked(bytes.AsSpan(at, 8)), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 8)));
            int n = checked((int)length);
            Assert.True(at + 16 + n <= bytes.Length, $"{path}: record data cut at byte {at}");
            var data = bytes.AsSpan(at + 12, n);
            Assert.Equal(Masked(data), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 12 + n)));
            events.Add(ParseEvent(data));
            at += 16 + n;
        }
        return events;
    }

    /// <summary>CRC-32C computed bit by bit (reflected polynomial 0x82F63B78), masked as TFRecord does.</summary>
    public static uint Masked(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
        }
        crc = ~crc;
        return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
    }

    private static Event ParseEvent(ReadOnlySpan<byte> data)
    {
        double wall = 0;
        long step = 0;
        string? version = null;
        var values = new List<Value>();
        foreach (var (field, wire, varint, bytes) in Fields(data))
        {
            if (field == 1 && wire == 1) wall = BitConverter.Int64BitsToDouble((long)varint);
            else if (field == 2 && wire == 0) step = (long)varint;
            else if (field == 3 && wire == 2) version = Encoding.UTF8.GetString(bytes);
            else if (field == 5 && wire == 2)
            {
                foreach (var (f, w, _, v) in Fields(bytes))
                    if (f == 1 && w == 2) values.Add(ParseValue(v));
            }
        }
        return new Event(wall, step, version, values);
    }

    private static Value ParseValue(byte[] data)
    {
        string tag = "";
        float? scalar = null;
        string? text = null, plugin = null;
        foreach (var (field, wire, number, bytes) in Fields(data))
        {
            if (field == 1 && wire == 2) tag = Encoding.UTF8.GetString(bytes);
            else if (field == 2 && wire == 5) scalar = BitConverter.Int32BitsToSingle((int)number);
            else if (field == 8 && wire == 2)
            {
                foreach (var (f, w, _, v) in Fields(bytes))
                    if (f == 8 && w == 2) text = Encoding.UTF8.GetString(v);        // TensorProto.string_val
            }
            else if (field == 9 && wire == 2)
            {
                foreach (var (f, w, _, pluginData) in Fields(bytes))
                {
                    if (f != 1 || w != 2) continue;
                    foreach (var (pf, pw, _, name) in Fields(pluginData))
                        if (pf == 1 && pw == 2) plugin = Encoding.UTF8.GetString(name);
                }
            }
        }
        return new Value(tag, scalar, text, plugin);
    }

    /// <summary>The fields of a message: number, wire type, the number (varint, fixed64, fixed32) or the bytes (length-delimited).</summary>
    private static List<(int Field, int Wire, ulong Number, byte[] Bytes)> Fields(ReadOnlySpan<byte> data)
    {
        var fields = new List<(int, int, ulong, byte[])>();
        int at = 0;
        while (at < data.Length)
        {
            ulong key = Varint(data, ref at);
            int field = (int)(key >> 3), wire = (int)(key & 7);
            switch (wire)
            {
                case 0: fields.Add((field, wire, Varint(data, ref at), [])); break;
                case 1: fields.Add((field, wire, BinaryPrimitives.ReadUInt64LittleEndian(data[at..]), [])); at += 8; break;
                case 5: fields.Add((field, wire, BinaryPrimitives.ReadUInt32LittleEndian(data[at..]), [])); at += 4; break;
                case 2:
                    int n = (int)Varint(data, ref at);
                    fields.Add((field, wire, 0, data.Slice(at, n).ToArray()));
                    at += n;
                    break;
                default: Assert.Fail($"unexpected wire type {wire}"); break;
            }
        }
        return fields;
    }

    private static ulong Varint(ReadOnlySpan<byte> data, ref int at)
    {
        ulong value = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = data[at++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80) return value;
        }
    }
}
