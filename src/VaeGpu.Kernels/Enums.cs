// Small enums shared by the op set: activations, GEMM operand layouts, optimizers.
namespace VaeGpu.Kernels;

/// <summary>Element-wise activation functions; backward passes are computed from the output y.</summary>
public enum Activation
{
    /// <summary>y = x.</summary>
    Identity,
    /// <summary>y = max(x, 0).</summary>
    Relu,
    /// <summary>y = x for x &gt; 0, else 0.01 x.</summary>
    LeakyRelu,
    /// <summary>y = 1 / (1 + exp(-x)).</summary>
    Sigmoid,
    /// <summary>y = tanh(x).</summary>
    Tanh,
}

/// <summary>
/// Operand layouts of C (m x n) = op(A) op(B), all row-major and dense.
/// NN: A is m x k, B is k x n. NT: A is m x k, B is n x k. TN: A is k x m, B is k x n.
/// </summary>
public enum GemmLayout
{
    /// <summary>C = A B.</summary>
    NN,
    /// <summary>C = A B^T (a Linear layer's forward: X W^T).</summary>
    NT,
    /// <summary>C = A^T B (a Linear layer's weight gradient: dY^T X).</summary>
    TN,
}

/// <summary>Optimizers whose update runs over a flat parameter arena in one call.</summary>
public enum OptimizerKind
{
    /// <summary>Adam with bias correction (Kingma and Ba, 2015).</summary>
    Adam,
    /// <summary>SGD with (PyTorch-style) momentum: v = mu v + g; p -= lr v.</summary>
    Sgd,
    /// <summary>RMSProp as in PyTorch: s = alpha s + (1 - alpha) g^2; p -= lr g / (sqrt(s) + eps).</summary>
    RmsProp,
    /// <summary>Adagrad: s += g^2; p -= lr g / (sqrt(s) + eps).</summary>
    Adagrad,
}
