using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace Seq2Seq.Tests;

/// <summary>
/// TorchSharp passes libtorch only a Scalar's native handle, so a Scalar that nothing holds during the call can be
/// finalized by a collection another thread starts, while libtorch still reads it (see ScalarConstants). These
/// tests read the library's compiled code and fail on every call that leaves such a Scalar unheld.
/// </summary>
public class ScalarLifetimeTests
{
    /// <summary>
    /// A number converted to a Scalar must go straight into a local, a field or an array (held there, by a
    /// <c>using</c> or for good), never straight into a call.
    /// </summary>
    [Fact]
    public void EveryScalarConvertedFromANumberIsStoredBeforeUse()
    {
        var unheld = Calls().Where(c => c.Callee is "Scalar::op_Implicit" or "ScalarExtensionMethods::ToScalar" && !c.NextStores)
            .Select(c => c.Caller).ToList();
        Assert.True(unheld.Count == 0, "Scalars passed on without being held, in: " + string.Join(", ", unheld));
    }

    /// <summary>
    /// TorchSharp members that make a Scalar of their own inside the call: add and add_ without an explicit alpha
    /// (they pass 1), addcdiv and addcdiv_ without a value, arange without start and step, and the arithmetic
    /// operators on a tensor and a number (or on two tensors, for +).
    /// </summary>
    [Fact]
    public void NoCallMakesATemporaryScalarInsideTorchSharp()
    {
        var offending = Calls().Where(c => MakesItsOwnScalar(c.Callee, c.Parameters)).Select(c => $"{c.Caller} ({c.Callee})").ToList();
        Assert.True(offending.Count == 0, "calls whose Scalar TorchSharp makes and drops, in: " + string.Join(", ", offending));
    }

    /// <summary>The check itself: the patterns it must catch are caught, the held forms are not.</summary>
    [Theory]
    [InlineData("Tensor::add", "Tensor", true)]
    [InlineData("Tensor::add", "Tensor,Scalar", false)]
    [InlineData("Tensor::add_", "Scalar", true)]
    [InlineData("Tensor::addcdiv_", "Tensor,Tensor", true)]
    [InlineData("Tensor::addcdiv_", "Tensor,Tensor,Scalar", false)]
    [InlineData("torch::arange", "Scalar,Nullable`1,Device,Boolean", true)]
    [InlineData("torch::arange", "Scalar,Scalar,Scalar,Nullable`1,Device,Boolean", false)]
    [InlineData("Tensor::op_Multiply", "Tensor,Double", true)]
    [InlineData("Tensor::op_Multiply", "Tensor,Tensor", false)]
    [InlineData("Tensor::op_Addition", "Tensor,Tensor", true)]
    [InlineData("Tensor::op_Subtraction", "Tensor,Tensor", false)]
    [InlineData("Tensor::op_Division", "Int32,Tensor", true)]
    public void TheCheckRecognisesEachPattern(string callee, string parameters, bool expected) =>
        Assert.Equal(expected, MakesItsOwnScalar(callee, parameters.Split(',')));

    private static readonly HashSet<string> Numbers = ["Byte", "Int16", "Int32", "Int64", "Single", "Double", "Boolean", "Half"];

    private static bool MakesItsOwnScalar(string callee, IReadOnlyList<string> parameters)
    {
        int scalars = parameters.TakeWhile(p => p == "Scalar").Count();
        return callee switch
        {
            "Tensor::add" or "Tensor::add_" => parameters.Count == 1,
            "Tensor::addcdiv" or "Tensor::addcdiv_" => parameters.Count == 2,
            "torch::arange" => scalars < 3,
            "Tensor::op_Addition" => true,
            "Tensor::op_Subtraction" or "Tensor::op_Multiply" or "Tensor::op_Division" => parameters.Any(Numbers.Contains),
            _ => false,
        };
    }

    /// <summary>One call in the library: the calling method, the callee as Type::Member with its parameter types, and whether the next instruction stores the result.</summary>
    private sealed record Call(string Caller, string Callee, IReadOnlyList<string> Parameters, bool NextStores);

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value);

    private static readonly HashSet<short> Stores = [.. new[]
    {
        OpCodes.Stloc, OpCodes.Stloc_S, OpCodes.Stloc_0, OpCodes.Stloc_1, OpCodes.Stloc_2, OpCodes.Stloc_3,
        OpCodes.Stfld, OpCodes.Stsfld, OpCodes.Stelem_Ref,
    }.Select(o => o.Value)];

    /// <summary>Every call and callvirt in the Seq2Seq library's method bodies.</summary>
    private static List<Call> Calls()
    {
        using var pe = new PEReader(File.OpenRead(typeof(ScalarConstants).Assembly.Location));
        var md = pe.GetMetadataReader();
        var calls = new List<Call>();
        foreach (var typeHandle in md.TypeDefinitions)
        {
            var type = md.GetTypeDefinition(typeHandle);
            foreach (var methodHandle in type.GetMethods())
            {
                var method = md.GetMethodDefinition(methodHandle);
                if (method.RelativeVirtualAddress == 0) continue;
                string caller = $"{md.GetString(type.Name)}.{md.GetString(method.Name)}";
                var il = pe.GetMethodBody(method.RelativeVirtualAddress).GetILBytes() ?? [];
                for (int i = 0; i < il.Length;)
                {
                    var op = OpCodesByValue[il[i] == 0xFE ? (short)(0xFE00 | il[i + 1]) : il[i]];
                    i += op.Size;
                    int next = i + OperandSize(op, il, i);
                    if ((op == OpCodes.Call || op == OpCodes.Callvirt) && Callee(md, MetadataTokens.EntityHandle(BitConverter.ToInt32(il, i))) is var (name, parameters))
                    {
                        bool stores = next < il.Length && Stores.Contains(OpCodesByValue[il[next] == 0xFE ? (short)(0xFE00 | il[next + 1]) : il[next]].Value);
                        calls.Add(new Call(caller, name, parameters, stores));
                    }
                    i = next;
                }
            }
        }
        return calls;
    }

    private static int OperandSize(OpCode op, byte[] il, int at) => op.OperandType switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, at),
        _ => 4,
    };

    /// <summary>A member of another assembly as ("Type::Member", parameter types); null for the library's own methods.</summary>
    private static (string, IReadOnlyList<string>)? Callee(MetadataReader md, EntityHandle handle)
    {
        if (handle.Kind == HandleKind.MethodSpecification)
            handle = md.GetMethodSpecification((MethodSpecificationHandle)handle).Method;
        if (handle.Kind != HandleKind.MemberReference) return null;
        var member = md.GetMemberReference((MemberReferenceHandle)handle);
        if (member.GetKind() != MemberReferenceKind.Method) return null;
        string parent = member.Parent.Kind switch
        {
            HandleKind.TypeReference => md.GetString(md.GetTypeReference((TypeReferenceHandle)member.Parent).Name),
            HandleKind.TypeSpecification => "generic",
            _ => "?",
        };
        var signature = member.DecodeMethodSignature(new TypeNames(), null);
        return ($"{parent}::{md.GetString(member.Name)}", signature.ParameterTypes);
    }

    /// <summary>Type names without namespaces: enough to tell Scalar, Tensor and the numbers apart.</summary>
    private sealed class TypeNames : ISignatureTypeProvider<string, object?>
    {
        public string GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode.ToString();
        public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => reader.GetString(reader.GetTypeDefinition(handle).Name);
        public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => reader.GetString(reader.GetTypeReference(handle).Name);
        public string GetTypeFromSpecification(MetadataReader reader, object? context, TypeSpecificationHandle handle, byte rawTypeKind) => "spec";
        public string GetSZArrayType(string elementType) => elementType + "[]";
        public string GetArrayType(string elementType, ArrayShape shape) => elementType + "[,]";
        public string GetByReferenceType(string elementType) => elementType + "&";
        public string GetPointerType(string elementType) => elementType + "*";
        public string GetPinnedType(string elementType) => elementType;
        public string GetGenericInstantiation(string genericType, ImmutableArray<string> typeArguments) => genericType;
        public string GetGenericMethodParameter(object? context, int index) => "!!" + index;
        public string GetGenericTypeParameter(object? context, int index) => "!" + index;
        public string GetFunctionPointerType(MethodSignature<string> signature) => "fnptr";
        public string GetModifiedType(string modifier, string unmodifiedType, bool isRequired) => unmodifiedType;
    }
}
