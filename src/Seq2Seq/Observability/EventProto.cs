using System.Buffers.Binary;
using System.Text;

namespace Seq2Seq.Observability;

/// <summary>
/// Encodes the few TensorBoard <c>Event</c> protobuf messages training writes (the file version, a scalar, a text) and
/// reads the step back. Field numbers are those of tensorflow/core/util/event.proto and framework/summary.proto:
/// Event { double wall_time = 1; int64 step = 2; string file_version = 3; Summary summary = 5; }
/// Summary { repeated Value value = 1; } Value { string tag = 1; float simple_value = 2; TensorProto tensor = 8;
/// SummaryMetadata metadata = 9; } SummaryMetadata { PluginData plugin_data = 1; } PluginData { string plugin_name = 1; }
/// TensorProto { DataType dtype = 1; TensorShapeProto tensor_shape = 2; repeated bytes string_val = 8; }.
/// </summary>
internal static class EventProto
{
    private const int DtString = 7;

    /// <summary>The first event of every file: <c>file_version: "brain.Event:2"</c>.</summary>
    public static byte[] FileVersion(double wallTime)
    {
        var e = new ProtoBuffer();
        e.Double(1, wallTime);
        e.String(3, "brain.Event:2");
        return e.ToArray();
    }

    /// <summary>An event with one scalar value.</summary>
    public static byte[] Scalar(double wallTime, long step, string tag, float value)
    {
        var v = new ProtoBuffer();
        v.String(1, tag);
        v.Float(2, value);
        return Event(wallTime, step, v);
    }

    /// <summary>An event with one text value (markdown, shown by TensorBoard's Text tab).</summary>
    public static byte[] Text(double wallTime, long step, string tag, string text)
    {
        var pluginData = new ProtoBuffer();
        pluginData.String(1, "text");
        var metadata = new ProtoBuffer();
        metadata.Message(1, pluginData);
        var tensor = new ProtoBuffer();
        tensor.Varint(1, DtString);
        tensor.Message(2, new ProtoBuffer());                                 // a scalar: no dimensions
        tensor.Bytes(8, Encoding.UTF8.GetBytes(text));
        var v = new ProtoBuffer();
        v.String(1, tag);
        v.Message(8, tensor);
        v.Message(9, metadata);
        return Event(wallTime, step, v);
    }

    /// <summary>The step of an encoded event (0 when it has none, as the file version event).</summary>
    public static long Step(ReadOnlySpan<byte> evt)
    {
        int at = 0;
        long step = 0;
        while (at < evt.Length)
        {
            ulong key = ReadVarint(evt, ref at);
            int field = (int)(key >> 3), wire = (int)(key & 7);
            switch (wire)
            {
                case 0:
                    ulong value = ReadVarint(evt, ref at);
                    if (field == 2) step = (long)value;
                    break;
                case 1: at += 8; break;
                case 2:
                    int length = (int)ReadVarint(evt, ref at);                   // read before at moves past it
                    at += length;
                    break;
                case 5: at += 4; break;
                default: throw new InvalidDataException($"protobuf wire type {wire} is not expected in an Event");
            }
        }
        return step;
    }

    private static byte[] Event(double wallTime, long step, ProtoBuffer value)
    {
        var summary = new ProtoBuffer();
        summary.Message(1, value);
        var e = new ProtoBuffer();
        e.Double(1, wallTime);
        e.Varint(2, (ulong)step);
        e.Message(5, summary);
        return e.ToArray();
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int at)
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            byte b = data[at++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80) return value;
        }
        throw new InvalidDataException("protobuf varint longer than 10 bytes");
    }

    /// <summary>Protobuf wire format, written field by field.</summary>
    private sealed class ProtoBuffer
    {
        private readonly MemoryStream bytes = new();

        public void Varint(int field, ulong value)
        {
            Key(field, 0);
            Raw(value);
        }

        public void Double(int field, double value)
        {
            Key(field, 1);
            Span<byte> b = stackalloc byte[8];
            BinaryPrimitives.WriteDoubleLittleEndian(b, value);
            bytes.Write(b);
        }

        public void Float(int field, float value)
        {
            Key(field, 5);
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteSingleLittleEndian(b, value);
            bytes.Write(b);
        }

        public void String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

        public void Message(int field, ProtoBuffer message) => Bytes(field, message.ToArray());

        public void Bytes(int field, byte[] value)
        {
            Key(field, 2);
            Raw((ulong)value.Length);
            bytes.Write(value);
        }

        public byte[] ToArray() => bytes.ToArray();

        private void Key(int field, int wire) => Raw(((ulong)field << 3) | (uint)wire);

        private void Raw(ulong value)
        {
            while (value >= 0x80)
            {
                bytes.WriteByte((byte)(value | 0x80));
                value >>= 7;
            }
            bytes.WriteByte((byte)value);
        }
    }
}
