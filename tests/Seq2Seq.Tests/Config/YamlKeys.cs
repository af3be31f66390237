using YamlDotNet.RepresentationModel;

namespace Seq2Seq.Tests.Config;

/// <summary>The dotted key paths of a YAML document's leaves ("training.batch_size"), to compare a config's keys with the schema's.</summary>
internal static class YamlKeys
{
    public static SortedSet<string> Of(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var keys = new SortedSet<string>();
        void Walk(YamlMappingNode node, string prefix)
        {
            foreach (var (k, v) in node.Children)
            {
                string path = prefix + ((YamlScalarNode)k).Value;
                if (v is YamlMappingNode m) Walk(m, path + ".");
                else keys.Add(path);
            }
        }
        Walk((YamlMappingNode)stream.Documents[0].RootNode, "");
        return keys;
    }
}
