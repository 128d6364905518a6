Console.WriteLine("VaeGpu.Runner: not built yet");
