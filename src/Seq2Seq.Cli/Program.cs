using TorchSharp;
var t = torch.ones(3, 4);
var gru = torch.nn.GRU(4, 8, bidirectional: true, batchFirst: true);
var (o, h) = gru.call(torch.randn(2, 5, 4));
o.sum().backward();
Console.WriteLine($"{t.sum().item<float>()} {o.shape[2]} {torch.get_num_threads()}");
return 0;
