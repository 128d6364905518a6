// INTERIM stand-in for the output of VaeGpu.Kernels.Generator (branch gen), produced by a throwaway
// regex translation of Kernels/*.cs so that the OpenCL backend can be tested before the generator
// lands. Delete this file when merging gen: the generator emits the same names and shapes.
using VaeGpu.Kernels.Device;

namespace VaeGpu.Kernels.Generated
{
    internal static class GeneratedKernels
    {
        public static readonly IReadOnlyList<KernelSource> All = new KernelSource[]
        {
            new(0, "ActivationForward", @"__kernel void ActivationForward(__global float* y_ptr, int y_off, __global float* x_ptr, int x_off, int n, int activation)
{
    __global float* y = y_ptr + y_off;
    __global float* x = x_ptr + x_off;

        int i = (int)get_global_id(0);
        if (i < n) y[i] = Activate(activation, x[i]);
    }", "", new KernelParameter[] { new("y", KernelParameterKind.FloatBuffer), new("x", KernelParameterKind.FloatBuffer), new("n", KernelParameterKind.Int), new("activation", KernelParameterKind.Int) }, false),
            new(1, "ActivationBackward", @"__kernel void ActivationBackward(__global float* dx_ptr, int dx_off, __global float* y_ptr, int y_off, __global float* dy_ptr, int dy_off, int n, int activation)
{
    __global float* dx = dx_ptr + dx_off;
    __global float* y = y_ptr + y_off;
    __global float* dy = dy_ptr + dy_off;

        int i = (int)get_global_id(0);
        if (i < n) dx[i] = dy[i] * Derivative(activation, y[i]);
    }", "", new KernelParameter[] { new("dx", KernelParameterKind.FloatBuffer), new("y", KernelParameterKind.FloatBuffer), new("dy", KernelParameterKind.FloatBuffer), new("n", KernelParameterKind.Int), new("activation", KernelParameterKind.Int) }, false),
            new(2, "Fill", @"__kernel void Fill(__global float* destination_ptr, int destination_off, int n, float value)
{
    __global float* destination = destination_ptr + destination_off;

        int i = (int)get_global_id(0);
        if (i < n) destination[i] = value;
    }", "", new KernelParameter[] { new("destination", KernelParameterKind.FloatBuffer), new("n", KernelParameterKind.Int), new("value", KernelParameterKind.Float) }, false),
            new(3, "GatherImages", @"__kernel void GatherImages(__global float* destination_ptr, int destination_off, __global uchar* dataset_ptr, int dataset_off, __global int* indices_ptr, int indices_off, int imageSize, int images, int batch)
{
    __global float* destination = destination_ptr + destination_off;
    __global uchar* dataset = dataset_ptr + dataset_off;
    __global int* indices = indices_ptr + indices_off;

        int i = (int)get_global_id(0);
        if (i < batch * imageSize)
        {
            int sample = i / imageSize;
            int pixel = i - sample * imageSize;
            int index = indices[sample];
            float value = 0.0f / 0.0f;
            if (index >= 0 && index < images) value = (float)dataset[index * imageSize + pixel] * (1.0f / 255.0f);
            destination[i] = value;
        }
    }", "", new KernelParameter[] { new("destination", KernelParameterKind.FloatBuffer), new("dataset", KernelParameterKind.ByteBuffer), new("indices", KernelParameterKind.IntBuffer), new("imageSize", KernelParameterKind.Int), new("images", KernelParameterKind.Int), new("batch", KernelParameterKind.Int) }, false),
            new(4, "GatherOneHot", @"__kernel void GatherOneHot(__global float* destination_ptr, int destination_off, __global uchar* labels_ptr, int labels_off, __global int* indices_ptr, int indices_off, int labelCount, int batch, int classes)
{
    __global float* destination = destination_ptr + destination_off;
    __global uchar* labels = labels_ptr + labels_off;
    __global int* indices = indices_ptr + indices_off;

        int i = (int)get_global_id(0);
        if (i < batch * classes)
        {
            int sample = i / classes;
            int cls = i - sample * classes;
            int index = indices[sample];
            float value = 0.0f / 0.0f;
            if (index >= 0 && index < labelCount) value = (int)labels[index] == cls ? 1.0f : 0.0f;
            destination[i] = value;
        }
    }", "", new KernelParameter[] { new("destination", KernelParameterKind.FloatBuffer), new("labels", KernelParameterKind.ByteBuffer), new("indices", KernelParameterKind.IntBuffer), new("labelCount", KernelParameterKind.Int), new("batch", KernelParameterKind.Int), new("classes", KernelParameterKind.Int) }, false),
            new(5, "CopyColumns", @"__kernel void CopyColumns(__global float* destination_ptr, int destination_off, __global float* source_ptr, int source_off, int rows, int srcCols, int srcColOffset, int dstCols, int dstColOffset, int cols)
{
    __global float* destination = destination_ptr + destination_off;
    __global float* source = source_ptr + source_off;

        int col = (int)get_global_id(0);
        int row = (int)get_global_id(1);
        if (col < cols && row < rows)
            destination[row * dstCols + dstColOffset + col] = source[row * srcCols + srcColOffset + col];
    }", "", new KernelParameter[] { new("destination", KernelParameterKind.FloatBuffer), new("source", KernelParameterKind.FloatBuffer), new("rows", KernelParameterKind.Int), new("srcCols", KernelParameterKind.Int), new("srcColOffset", KernelParameterKind.Int), new("dstCols", KernelParameterKind.Int), new("dstColOffset", KernelParameterKind.Int), new("cols", KernelParameterKind.Int) }, false),
            new(6, "Gemm", @"__kernel void Gemm(__global float* c_ptr, int c_off, __global float* a_ptr, int a_off, __global float* b_ptr, int b_off, __global float* bias_ptr, int bias_off, int m, int n, int depth, int aRowStride, int aColStride, int bRowStride, int bColStride, int accumulate, int hasBias, int activation)
{
    __global float* c = c_ptr + c_off;
    __global float* a = a_ptr + a_off;
    __global float* b = b_ptr + b_off;
    __global float* bias = bias_ptr + bias_off;

        __local float tileA[TileK * TileM]; 
        __local float tileB[TileK * TileN]; 
        int localCol = (int)get_local_id(0);
        int localRow = (int)get_local_id(1);
        int thread = localRow * ThreadsN + localCol;
        int rowBase = (int)get_group_id(1) * TileM;
        int colBase = (int)get_group_id(0) * TileN;
        float acc[WptM * WptN]; 
        float aReg[WptM];
        float bReg[WptN];
        for (int w = 0; w < WptM * WptN; w++) acc[w] = 0.0f;

        for (int kBase = 0; kBase < depth; kBase += TileK)
        {
            
            
            for (int e = thread; e < TileM * TileK; e += Threads)
            {
                int tileRow = aColStride == 1 ? e / TileK : e % TileM;
                int tileDepth = aColStride == 1 ? e % TileK : e / TileM;
                int row = rowBase + tileRow;
                int inner = kBase + tileDepth;
                float value = 0.0f;
                if (row < m && inner < depth) value = a[row * aRowStride + inner * aColStride];
                tileA[tileDepth * TileM + tileRow] = value;
            }
            for (int e = thread; e < TileN * TileK; e += Threads)
            {
                int tileCol = bColStride == 1 ? e % TileN : e / TileK;
                int tileDepth = bColStride == 1 ? e / TileN : e % TileK;
                int col = colBase + tileCol;
                int inner = kBase + tileDepth;
                float value = 0.0f;
                if (col < n && inner < depth) value = b[inner * bRowStride + col * bColStride];
                tileB[tileDepth * TileN + tileCol] = value;
            }
            barrier(CLK_LOCAL_MEM_FENCE);

            for (int step = 0; step < TileK; step++)
            {
                for (int wm = 0; wm < WptM; wm++) aReg[wm] = tileA[step * TileM + localRow + wm * ThreadsM];
                for (int wn = 0; wn < WptN; wn++) bReg[wn] = tileB[step * TileN + localCol + wn * ThreadsN];
                for (int wm = 0; wm < WptM; wm++)
                    for (int wn = 0; wn < WptN; wn++)
                        acc[wm * WptN + wn] += aReg[wm] * bReg[wn];
            }
            barrier(CLK_LOCAL_MEM_FENCE);
        }

        for (int wm = 0; wm < WptM; wm++)
        {
            int row = rowBase + localRow + wm * ThreadsM;
            for (int wn = 0; wn < WptN; wn++)
            {
                int col = colBase + localCol + wn * ThreadsN;
                if (row < m && col < n)
                {
                    float sum = acc[wm * WptN + wn];
                    if (accumulate != 0) sum += c[row * n + col];
                    if (hasBias != 0) sum += bias[col];
                    c[row * n + col] = Activate(activation, sum);
                }
            }
        }
    }", "", new KernelParameter[] { new("c", KernelParameterKind.FloatBuffer), new("a", KernelParameterKind.FloatBuffer), new("b", KernelParameterKind.FloatBuffer), new("bias", KernelParameterKind.FloatBuffer), new("m", KernelParameterKind.Int), new("n", KernelParameterKind.Int), new("depth", KernelParameterKind.Int), new("aRowStride", KernelParameterKind.Int), new("aColStride", KernelParameterKind.Int), new("bRowStride", KernelParameterKind.Int), new("bColStride", KernelParameterKind.Int), new("accumulate", KernelParameterKind.Int), new("hasBias", KernelParameterKind.Int), new("activation", KernelParameterKind.Int) }, true),
            new(7, "AdamStep", @"__kernel void AdamStep(__global float* parameters_ptr, int parameters_off, __global float* m_ptr, int m_off, __global float* v_ptr, int v_off, __global float* gradients_ptr, int gradients_off, int n, float lr, float beta1, float beta2, float epsilon, float c1, float c2)
{
    __global float* parameters = parameters_ptr + parameters_off;
    __global float* m = m_ptr + m_off;
    __global float* v = v_ptr + v_off;
    __global float* gradients = gradients_ptr + gradients_off;

        int i = (int)get_global_id(0);
        if (i < n)
        {
            float g = gradients[i];
            float mi = beta1 * m[i] + (1.0f - beta1) * g;
            float vi = beta2 * v[i] + (1.0f - beta2) * g * g;
            m[i] = mi;
            v[i] = vi;
            parameters[i] = parameters[i] - lr * (mi / c1) / (sqrt(vi / c2) + epsilon);
        }
    }", "", new KernelParameter[] { new("parameters", KernelParameterKind.FloatBuffer), new("m", KernelParameterKind.FloatBuffer), new("v", KernelParameterKind.FloatBuffer), new("gradients", KernelParameterKind.FloatBuffer), new("n", KernelParameterKind.Int), new("lr", KernelParameterKind.Float), new("beta1", KernelParameterKind.Float), new("beta2", KernelParameterKind.Float), new("epsilon", KernelParameterKind.Float), new("c1", KernelParameterKind.Float), new("c2", KernelParameterKind.Float) }, false),
            new(8, "SgdStep", @"__kernel void SgdStep(__global float* parameters_ptr, int parameters_off, __global float* velocity_ptr, int velocity_off, __global float* gradients_ptr, int gradients_off, int n, float lr, float momentum)
{
    __global float* parameters = parameters_ptr + parameters_off;
    __global float* velocity = velocity_ptr + velocity_off;
    __global float* gradients = gradients_ptr + gradients_off;

        int i = (int)get_global_id(0);
        if (i < n)
        {
            float vi = momentum * velocity[i] + gradients[i];
            velocity[i] = vi;
            parameters[i] = parameters[i] - lr * vi;
        }
    }", "", new KernelParameter[] { new("parameters", KernelParameterKind.FloatBuffer), new("velocity", KernelParameterKind.FloatBuffer), new("gradients", KernelParameterKind.FloatBuffer), new("n", KernelParameterKind.Int), new("lr", KernelParameterKind.Float), new("momentum", KernelParameterKind.Float) }, false),
            new(9, "RmsPropStep", @"__kernel void RmsPropStep(__global float* parameters_ptr, int parameters_off, __global float* square_ptr, int square_off, __global float* gradients_ptr, int gradients_off, int n, float lr, float alpha, float epsilon)
{
    __global float* parameters = parameters_ptr + parameters_off;
    __global float* square = square_ptr + square_off;
    __global float* gradients = gradients_ptr + gradients_off;

        int i = (int)get_global_id(0);
        if (i < n)
        {
            float g = gradients[i];
            float s = alpha * square[i] + (1.0f - alpha) * g * g;
            square[i] = s;
            parameters[i] = parameters[i] - lr * g / (sqrt(s) + epsilon);
        }
    }", "", new KernelParameter[] { new("parameters", KernelParameterKind.FloatBuffer), new("square", KernelParameterKind.FloatBuffer), new("gradients", KernelParameterKind.FloatBuffer), new("n", KernelParameterKind.Int), new("lr", KernelParameterKind.Float), new("alpha", KernelParameterKind.Float), new("epsilon", KernelParameterKind.Float) }, false),
            new(10, "AdagradStep", @"__kernel void AdagradStep(__global float* parameters_ptr, int parameters_off, __global float* sum_ptr, int sum_off, __global float* gradients_ptr, int gradients_off, int n, float lr, float epsilon)
{
    __global float* parameters = parameters_ptr + parameters_off;
    __global float* sum = sum_ptr + sum_off;
    __global float* gradients = gradients_ptr + gradients_off;

        int i = (int)get_global_id(0);
        if (i < n)
        {
            float g = gradients[i];
            float s = sum[i] + g * g;
            sum[i] = s;
            parameters[i] = parameters[i] - lr * g / (sqrt(s) + epsilon);
        }
    }", "", new KernelParameter[] { new("parameters", KernelParameterKind.FloatBuffer), new("sum", KernelParameterKind.FloatBuffer), new("gradients", KernelParameterKind.FloatBuffer), new("n", KernelParameterKind.Int), new("lr", KernelParameterKind.Float), new("epsilon", KernelParameterKind.Float) }, false),
            new(11, "FillNormal", @"__kernel void FillNormal(__global float* destination_ptr, int destination_off, int n, uint seedLo, uint seedHi, uint streamLo, uint streamHi)
{
    __global float* destination = destination_ptr + destination_off;

        int i = (int)get_global_id(0);
        if (i < n) destination[i] = PhiloxNormal(i, seedLo, seedHi, streamLo, streamHi);
    }", "", new KernelParameter[] { new("destination", KernelParameterKind.FloatBuffer), new("n", KernelParameterKind.Int), new("seedLo", KernelParameterKind.UInt), new("seedHi", KernelParameterKind.UInt), new("streamLo", KernelParameterKind.UInt), new("streamHi", KernelParameterKind.UInt) }, false),
            new(12, "ReparameterizeForward", @"__kernel void ReparameterizeForward(__global float* z_ptr, int z_off, __global float* eps_ptr, int eps_off, __global float* mu_ptr, int mu_off, __global float* logvar_ptr, int logvar_off, int n, uint seedLo, uint seedHi, uint streamLo, uint streamHi)
{
    __global float* z = z_ptr + z_off;
    __global float* eps = eps_ptr + eps_off;
    __global float* mu = mu_ptr + mu_off;
    __global float* logvar = logvar_ptr + logvar_off;

        int i = (int)get_global_id(0);
        if (i < n)
        {
            float normal = PhiloxNormal(i, seedLo, seedHi, streamLo, streamHi);
            eps[i] = normal;
            z[i] = mu[i] + exp(0.5f * logvar[i]) * normal;
        }
    }", "", new KernelParameter[] { new("z", KernelParameterKind.FloatBuffer), new("eps", KernelParameterKind.FloatBuffer), new("mu", KernelParameterKind.FloatBuffer), new("logvar", KernelParameterKind.FloatBuffer), new("n", KernelParameterKind.Int), new("seedLo", KernelParameterKind.UInt), new("seedHi", KernelParameterKind.UInt), new("streamLo", KernelParameterKind.UInt), new("streamHi", KernelParameterKind.UInt) }, false),
            new(13, "ReparameterizeBackward", @"__kernel void ReparameterizeBackward(__global float* dmu_ptr, int dmu_off, __global float* dlogvar_ptr, int dlogvar_off, __global float* dz_ptr, int dz_off, __global float* eps_ptr, int eps_off, __global float* logvar_ptr, int logvar_off, int n)
{
    __global float* dmu = dmu_ptr + dmu_off;
    __global float* dlogvar = dlogvar_ptr + dlogvar_off;
    __global float* dz = dz_ptr + dz_off;
    __global float* eps = eps_ptr + eps_off;
    __global float* logvar = logvar_ptr + logvar_off;

        int i = (int)get_global_id(0);
        if (i < n)
        {
            dmu[i] = dmu[i] + dz[i];
            dlogvar[i] = dlogvar[i] + 0.5f * dz[i] * eps[i] * exp(0.5f * logvar[i]);
        }
    }", "", new KernelParameter[] { new("dmu", KernelParameterKind.FloatBuffer), new("dlogvar", KernelParameterKind.FloatBuffer), new("dz", KernelParameterKind.FloatBuffer), new("eps", KernelParameterKind.FloatBuffer), new("logvar", KernelParameterKind.FloatBuffer), new("n", KernelParameterKind.Int) }, false),
            new(14, "PhiloxWords", @"__kernel void PhiloxWords(__global uint* words_ptr, int words_off, int blocks, uint seedLo, uint seedHi, uint streamLo, uint streamHi)
{
    __global uint* words = words_ptr + words_off;

        int block = (int)get_global_id(0);
        if (block < blocks)
        {
            for (int word = 0; word < 4; word++)
                words[block * 4 + word] = PhiloxWord((uint)block, word, seedLo, seedHi, streamLo, streamHi);
        }
    }", "", new KernelParameter[] { new("words", KernelParameterKind.UIntBuffer), new("blocks", KernelParameterKind.Int), new("seedLo", KernelParameterKind.UInt), new("seedHi", KernelParameterKind.UInt), new("streamLo", KernelParameterKind.UInt), new("streamHi", KernelParameterKind.UInt) }, false),
            new(15, "ColumnSum", @"__kernel void ColumnSum(__global float* sums_ptr, int sums_off, __global float* x_ptr, int x_off, int rows, int cols, int accumulate)
{
    __global float* sums = sums_ptr + sums_off;
    __global float* x = x_ptr + x_off;

        int col = (int)get_global_id(0);
        if (col < cols)
        {
            float sum = 0.0f;
            for (int row = 0; row < rows; row++) sum += x[row * cols + col];
            if (accumulate != 0) sums[col] = sums[col] + sum;
            else sums[col] = sum;
        }
    }", "", new KernelParameter[] { new("sums", KernelParameterKind.FloatBuffer), new("x", KernelParameterKind.FloatBuffer), new("rows", KernelParameterKind.Int), new("cols", KernelParameterKind.Int), new("accumulate", KernelParameterKind.Int) }, false),
            new(16, "SumPartials", @"__kernel void SumPartials(__global float* partials_ptr, int partials_off, __global float* values_ptr, int values_off, int n)
{
    __global float* partials = partials_ptr + partials_off;
    __global float* values = values_ptr + values_off;

        __local float scratch[ReduceThreads];
        int stride = (int)get_num_groups(0) * ReduceThreads;
        float sum = 0.0f;
        for (int i = (int)get_global_id(0); i < n; i += stride) sum += values[i];
        
        int lane = (int)get_local_id(0);
        scratch[lane] = sum;
        barrier(CLK_LOCAL_MEM_FENCE);
        for (int width = ReduceThreads / 2; width > 0; width = width / 2)
        {
            if (lane < width) scratch[lane] = scratch[lane] + scratch[lane + width];
            barrier(CLK_LOCAL_MEM_FENCE);
        }
        if (lane == 0) partials[(int)get_group_id(0)] = scratch[0];
    }", "", new KernelParameter[] { new("partials", KernelParameterKind.FloatBuffer), new("values", KernelParameterKind.FloatBuffer), new("n", KernelParameterKind.Int) }, true),
            new(17, "SumFinish", @"__kernel void SumFinish(__global float* accumulator_ptr, int accumulator_off, __global float* partials_ptr, int partials_off, int count)
{
    __global float* accumulator = accumulator_ptr + accumulator_off;
    __global float* partials = partials_ptr + partials_off;

        __local float scratch[ReduceThreads];
        float sum = 0.0f;
        for (int i = (int)get_local_id(0); i < count; i += ReduceThreads) sum += partials[i];
        
        int lane = (int)get_local_id(0);
        scratch[lane] = sum;
        barrier(CLK_LOCAL_MEM_FENCE);
        for (int width = ReduceThreads / 2; width > 0; width = width / 2)
        {
            if (lane < width) scratch[lane] = scratch[lane] + scratch[lane + width];
            barrier(CLK_LOCAL_MEM_FENCE);
        }
        if (lane == 0) accumulator[0] = accumulator[0] + scratch[0];
    }", "", new KernelParameter[] { new("accumulator", KernelParameterKind.FloatBuffer), new("partials", KernelParameterKind.FloatBuffer), new("count", KernelParameterKind.Int) }, true),
            new(18, "BceWithLogits", @"__kernel void BceWithLogits(__global float* rowLoss_ptr, int rowLoss_off, __global float* dlogits_ptr, int dlogits_off, __global float* logits_ptr, int logits_off, __global float* targets_ptr, int targets_off, int rows, int cols, int hasGrad, float gradScale)
{
    __global float* rowLoss = rowLoss_ptr + rowLoss_off;
    __global float* dlogits = dlogits_ptr + dlogits_off;
    __global float* logits = logits_ptr + logits_off;
    __global float* targets = targets_ptr + targets_off;

        __local float scratch[ReduceThreads];
        int row = (int)get_group_id(0);
        float sum = 0.0f;
        if (row < rows)
        {
            for (int col = (int)get_local_id(0); col < cols; col += ReduceThreads)
            {
                int i = row * cols + col;
                float l = logits[i];
                float x = targets[i];
                sum += fmax(l, 0.0f) - l * x + log(1.0f + exp(-fabs(l)));
                if (hasGrad != 0) dlogits[i] = gradScale * (1.0f / (1.0f + exp(-l)) - x);
            }
        }
        
        int lane = (int)get_local_id(0);
        scratch[lane] = sum;
        barrier(CLK_LOCAL_MEM_FENCE);
        for (int width = ReduceThreads / 2; width > 0; width = width / 2)
        {
            if (lane < width) scratch[lane] = scratch[lane] + scratch[lane + width];
            barrier(CLK_LOCAL_MEM_FENCE);
        }
        if (row < rows && lane == 0) rowLoss[row] = scratch[0];
    }", "", new KernelParameter[] { new("rowLoss", KernelParameterKind.FloatBuffer), new("dlogits", KernelParameterKind.FloatBuffer), new("logits", KernelParameterKind.FloatBuffer), new("targets", KernelParameterKind.FloatBuffer), new("rows", KernelParameterKind.Int), new("cols", KernelParameterKind.Int), new("hasGrad", KernelParameterKind.Int), new("gradScale", KernelParameterKind.Float) }, true),
            new(19, "MseOnSigmoid", @"__kernel void MseOnSigmoid(__global float* rowLoss_ptr, int rowLoss_off, __global float* dlogits_ptr, int dlogits_off, __global float* logits_ptr, int logits_off, __global float* targets_ptr, int targets_off, int rows, int cols, int hasGrad, float gradScale)
{
    __global float* rowLoss = rowLoss_ptr + rowLoss_off;
    __global float* dlogits = dlogits_ptr + dlogits_off;
    __global float* logits = logits_ptr + logits_off;
    __global float* targets = targets_ptr + targets_off;

        __local float scratch[ReduceThreads];
        int row = (int)get_group_id(0);
        float sum = 0.0f;
        if (row < rows)
        {
            for (int col = (int)get_local_id(0); col < cols; col += ReduceThreads)
            {
                int i = row * cols + col;
                float s = 1.0f / (1.0f + exp(-logits[i]));
                float diff = s - targets[i];
                sum += diff * diff;
                if (hasGrad != 0) dlogits[i] = gradScale * 2.0f * diff * s * (1.0f - s);
            }
        }
        
        int lane = (int)get_local_id(0);
        scratch[lane] = sum;
        barrier(CLK_LOCAL_MEM_FENCE);
        for (int width = ReduceThreads / 2; width > 0; width = width / 2)
        {
            if (lane < width) scratch[lane] = scratch[lane] + scratch[lane + width];
            barrier(CLK_LOCAL_MEM_FENCE);
        }
        if (row < rows && lane == 0) rowLoss[row] = scratch[0];
    }", "", new KernelParameter[] { new("rowLoss", KernelParameterKind.FloatBuffer), new("dlogits", KernelParameterKind.FloatBuffer), new("logits", KernelParameterKind.FloatBuffer), new("targets", KernelParameterKind.FloatBuffer), new("rows", KernelParameterKind.Int), new("cols", KernelParameterKind.Int), new("hasGrad", KernelParameterKind.Int), new("gradScale", KernelParameterKind.Float) }, true),
            new(20, "KlDivergence", @"__kernel void KlDivergence(__global float* rowLoss_ptr, int rowLoss_off, __global float* dmu_ptr, int dmu_off, __global float* dlogvar_ptr, int dlogvar_off, __global float* mu_ptr, int mu_off, __global float* logvar_ptr, int logvar_off, int rows, int cols, int hasGrad, float gradScale)
{
    __global float* rowLoss = rowLoss_ptr + rowLoss_off;
    __global float* dmu = dmu_ptr + dmu_off;
    __global float* dlogvar = dlogvar_ptr + dlogvar_off;
    __global float* mu = mu_ptr + mu_off;
    __global float* logvar = logvar_ptr + logvar_off;

        __local float scratch[ReduceThreads];
        int row = (int)get_group_id(0);
        float sum = 0.0f;
        if (row < rows)
        {
            for (int col = (int)get_local_id(0); col < cols; col += ReduceThreads)
            {
                int i = row * cols + col;
                float m = mu[i];
                float lv = logvar[i];
                float e = exp(lv);
                sum += 1.0f + lv - m * m - e;
                if (hasGrad != 0)
                {
                    dmu[i] = gradScale * m;
                    dlogvar[i] = gradScale * 0.5f * (e - 1.0f);
                }
            }
        }
        
        int lane = (int)get_local_id(0);
        scratch[lane] = sum;
        barrier(CLK_LOCAL_MEM_FENCE);
        for (int width = ReduceThreads / 2; width > 0; width = width / 2)
        {
            if (lane < width) scratch[lane] = scratch[lane] + scratch[lane + width];
            barrier(CLK_LOCAL_MEM_FENCE);
        }
        if (row < rows && lane == 0) rowLoss[row] = -0.5f * scratch[0];
    }", "", new KernelParameter[] { new("rowLoss", KernelParameterKind.FloatBuffer), new("dmu", KernelParameterKind.FloatBuffer), new("dlogvar", KernelParameterKind.FloatBuffer), new("mu", KernelParameterKind.FloatBuffer), new("logvar", KernelParameterKind.FloatBuffer), new("rows", KernelParameterKind.Int), new("cols", KernelParameterKind.Int), new("hasGrad", KernelParameterKind.Int), new("gradScale", KernelParameterKind.Float) }, true),
        };

        public static readonly string OpenCLProgram = @"// VaeGpu kernels (interim translation)
#ifndef ActRelu
#define ActRelu (1)
#endif
#ifndef ActLeakyRelu
#define ActLeakyRelu (2)
#endif
#ifndef ActSigmoid
#define ActSigmoid (3)
#endif
#ifndef ActTanh
#define ActTanh (4)
#endif
#ifndef GroupSize
#define GroupSize (256)
#endif
#ifndef TileM
#define TileM (64)
#endif
#ifndef TileN
#define TileN (64)
#endif
#ifndef TileK
#define TileK (16)
#endif
#ifndef WptM
#define WptM (4)
#endif
#ifndef WptN
#define WptN (4)
#endif
#ifndef ThreadsM
#define ThreadsM (TileM / WptM)
#endif
#ifndef ThreadsN
#define ThreadsN (TileN / WptN)
#endif
#ifndef Threads
#define Threads (ThreadsM * ThreadsN)
#endif
#ifndef PhiloxM0
#define PhiloxM0 (0xD2511F53u)
#endif
#ifndef PhiloxM1
#define PhiloxM1 (0xCD9E8D57u)
#endif
#ifndef PhiloxW0
#define PhiloxW0 (0x9E3779B9u)
#endif
#ifndef PhiloxW1
#define PhiloxW1 (0xBB67AE85u)
#endif
#ifndef ReduceThreads
#define ReduceThreads (256)
#endif
#ifndef MaxPartials
#define MaxPartials (64)
#endif

float Activate(int activation, float x)
{
        if (activation == ActRelu) return x > 0.0f ? x : 0.0f;
        if (activation == ActLeakyRelu) return x > 0.0f ? x : 0.01f * x;
        if (activation == ActSigmoid) return 1.0f / (1.0f + exp(-x));
        if (activation == ActTanh) return tanh(x);
        return x;
    }

float Derivative(int activation, float y)
{
        if (activation == ActRelu) return y > 0.0f ? 1.0f : 0.0f;
        if (activation == ActLeakyRelu) return y > 0.0f ? 1.0f : 0.01f;
        if (activation == ActSigmoid) return y * (1.0f - y);
        if (activation == ActTanh) return 1.0f - y * y;
        return 1.0f;
    }

float BoxMullerRadius(uint a)
{
        float u1 = (float)((a >> 8) + 1u) * (1.0f / 16777216.0f);
        return sqrt(-2.0f * log(u1));
    }

float BoxMullerAngle(uint b)
{
        float u2 = (float)(b >> 8) * (1.0f / 16777216.0f);
        return 6.2831853071795864769f * u2;
    }

uint PhiloxWord(uint block, int word, uint seedLo, uint seedHi, uint streamLo, uint streamHi)
{
        uint c0 = block;
        uint c1 = 0u;
        uint c2 = streamLo;
        uint c3 = streamHi;
        uint k0 = seedLo;
        uint k1 = seedHi;
        for (int round = 0; round < 10; round++)
        {
            uint hi0 = mul_hi(PhiloxM0, c0);
            uint lo0 = PhiloxM0 * c0;
            uint hi1 = mul_hi(PhiloxM1, c2);
            uint lo1 = PhiloxM1 * c2;
            c0 = hi1 ^ c1 ^ k0;
            c1 = lo1;
            c2 = hi0 ^ c3 ^ k1;
            c3 = lo0;
            k0 += PhiloxW0;
            k1 += PhiloxW1;
        }
        if (word == 0) return c0;
        if (word == 1) return c1;
        if (word == 2) return c2;
        return c3;
    }

float PhiloxNormal(int i, uint seedLo, uint seedHi, uint streamLo, uint streamHi)
{
        uint block = (uint)(i >> 2);
        int lane = i & 3;
        int first = lane < 2 ? 0 : 2;
        float r = BoxMullerRadius(PhiloxWord(block, first, seedLo, seedHi, streamLo, streamHi));
        float t = BoxMullerAngle(PhiloxWord(block, first + 1, seedLo, seedHi, streamLo, streamHi));
        if ((lane & 1) == 0) return r * cos(t);
        return r * sin(t);
    }

__kernel void ActivationForward(__global float* y_ptr, int y_off, __global float* x_ptr, int x_off, int n, int activation)
{
    __global float* y = y_ptr + y_off;
    __global float* x = x_ptr + x_off;

        int i = (int)get_global_id(0);
        if (i < n) y[i] = Activate(activation, x[i]);
    }

__kernel void ActivationBackward(__global float* dx_ptr, int dx_off, __global float* y_ptr, int y_off, __global float* dy_ptr, int dy_off, int n, int activation)
{
    __global float* dx = dx_ptr + dx_off;
    __global float* y = y_ptr + y_off;
    __global float* dy = dy_ptr + dy_off;

        int i = (int)get_global_id(0);
        if (i < n) dx[i] = dy[i] * Derivative(activation, y[i]);
    }

__kernel void Fill(__global float* destination_ptr, int destination_off, int n, float value)
{
    __global float* destination = destination_ptr + destination_off;

        int i = (int)get_global_id(0);
        if (i < n) destination[i] = value;
    }

__kernel void GatherImages(__global float* destination_ptr, int destination_off, __global uchar* dataset_ptr, int dataset_off, __global int* indices_ptr, int indices_off, int imageSize, int images, int batch)
{
    __global float* destination = destination_ptr + destination_off;
    __global uchar* dataset = dataset_ptr + dataset_off;
    __global int* indices = indices_ptr + indices_off;

        int i = (int)get_global_id(0);
        if (i < batch * imageSize)
        {
            int sample = i / imageSize;
            int pixel = i - sample * imageSize;
            int index = indices[sample];
            float value = 0.0f / 0.0f;
            if (index >= 0 && index < images) value = (float)dataset[index * imageSize + pixel] * (1.0f / 255.0f);
            destination[i] = value;
        }
    }

__kernel void GatherOneHot(__global float* destination_ptr, int destination_off, __global uchar* labels_ptr, int labels_off, __global int* indices_ptr, int indices_off, int labelCount, int batch, int classes)
{
    __global float* destination = destination_ptr + destination_off;
    __global uchar* labels = labels_ptr + labels_off;
    __global int* indices = indices_ptr + indices_off;

        int i = (int)get_global_id(0);
        if (i < batch * classes)
        {
            int sample = i / classes;
            int cls = i - sample * classes;
            int index = indices[sample];
            float value = 0.0f / 0.0f;
            if (index >= 0 && index < labelCount) value = (int)labels[index] == cls ? 1.0f : 0.0f;
            destination[i] = value;
        }
    }

__kernel void CopyColumns(__global float* destination_ptr, int destination_off, __global float* source_ptr, int source_off, int rows, int srcCols, int srcColOffset, int dstCols, int dstColOffset, int cols)
{
    __global float* destination = destination_ptr + destination_off;
    __global float* source = source_ptr + source_off;

        int col = (int)get_global_id(0);
        int row = (int)get_global_id(1);
        if (col < cols && row < rows)
            destination[row * dstCols + dstColOffset + col] = source[row * srcCols + srcColOffset + col];
    }

__kernel void Gemm(__global float* c_ptr, int c_off, __global float* a_ptr, int a_off, __global float* b_ptr, int b_off, __global float* bias_ptr, int bias_off, int m, int n, int depth, int aRowStride, int aColStride, int bRowStride, int bColStride, int accumulate, int hasBias, int activation)
{
    __global float* c = c_ptr + c_off;
    __global float* a = a_ptr + a_off;
    __global float* b = b_ptr + b_off;
    __global float* bias = bias_ptr + bias_off;

        __local float tileA[TileK * TileM]; 
        __local float tileB[TileK * TileN]; 
        int localCol = (int)get_local_id(0);
        int localRow = (int)get_local_id(1);
        int thread = localRow * ThreadsN + localCol;
        int rowBase = (int)get_group_id(1) * TileM;
        int colBase = (int)get_group_id(0) * TileN;
        float acc[WptM * WptN]; 
        float aReg[WptM];
        float bReg[WptN];
        for (int w = 0; w < WptM * WptN; w++) acc[w] = 0.0f;

        for (int kBase = 0; kBase < depth; kBase += TileK)
        {
            
            
            for (int e = thread; e < TileM * TileK; e += Threads)
            {
                int tileRow = aColStride == 1 ? e / TileK : e % TileM;
                int tileDepth = aColStride == 1 ? e % TileK : e / TileM;
                int row = rowBase + tileRow;
                int inner = kBase + tileDepth;
                float value = 0.0f;
                if (row < m && inner < depth) value = a[row * aRowStride + inner * aColStride];
                tileA[tileDepth * TileM + tileRow] = value;
            }
            for (int e = thread; e < TileN * TileK; e += Threads)
            {
                int tileCol = bColStride == 1 ? e % TileN : e / TileK;
                int tileDepth = bColStride == 1 ? e / TileN : e % TileK;
                int col = colBase + tileCol;
                int inner = kBase + tileDepth;
                float value = 0.0f;
                if (col < n && inner < depth) value = b[inner * bRowStride + col * bColStride];
                tileB[tileDepth * TileN + tileCol] = value;
            }
            barrier(CLK_LOCAL_MEM_FENCE);

            for (int step = 0; step < TileK; step++)
            {
                for (int wm = 0; wm < WptM; wm++) aReg[wm] = tileA[step * TileM + localRow + wm * ThreadsM];
                for (int wn = 0; wn < WptN; wn++) bReg[wn] = tileB[step * TileN + localCol + wn * ThreadsN];
                for (int wm = 0; wm < WptM; wm++)
                    for (int wn = 0; wn < WptN; wn++)
                        acc[wm * WptN + wn] += aReg[wm] * bReg[wn];
            }
            barrier(CLK_LOCAL_MEM_FENCE);
        }

        for (int wm = 0; wm < WptM; wm++)
        {
            int row = rowBase + localRow + wm * ThreadsM;
            for (int wn = 0; wn < WptN; wn++)
            {
                int col = colBase + localCol + wn * ThreadsN;
                if (row < m && col < n)
                {
                    float sum = acc[wm * WptN + wn];
                    if (accumulate != 0) sum += c[row * n + col];
                    if (hasBias != 0) sum += bias[col];
                    c[row * n + col] = Activate(activation, sum);
                }
            }
        }
    }

__kernel void AdamStep(__global float* parameters_ptr, int parameters_off, __global float* m_ptr, int m_off, __global float* v_ptr, int v_off, __global float* gradients_ptr, int gradients_off, int n, float lr, float beta1, float beta2, float epsilon, float c1, float c2)
{
    __global float* parameters = parameters_ptr + parameters_off;
    __global float* m = m_ptr + m_off;
    __global float* v = v_ptr + v_off;
    __global float* gradients = gradients_ptr + gradients_off;

        int i = (int)get_global_id(0);
        if (i < n)
        {
            float g = gradients[i];
            float mi = beta1 * m[i] + (1.0f - beta1) * g;
            float vi = beta2 * v[i] + (1.0f - beta2) * g * g;
            m[i] = mi;
            v[i] = vi;
            parameters[i] = parameters[i] - lr * (mi / c1) / (sqrt(vi / c2) + epsilon);
        }
    }

__kernel void SgdStep(__global float* parameters_ptr, int parameters_off, __global float* velocity_ptr, int velocity_off, __global float* gradients_ptr, int gradients_off, int n, float lr, float momentum)
{
    __global float* parameters = parameters_ptr + parameters_off;
    __global float* velocity = velocity_ptr + velocity_off;
    __global float* gradients = gradients_ptr + gradients_off;

        int i = (int)get_global_id(0);
        if (i < n)
        {
            float vi = momentum * velocity[i] + gradients[i];
            velocity[i] = vi;
            parameters[i] = parameters[i] - lr * vi;
        }
    }

__kernel void RmsPropStep(__global float* parameters_ptr, int parameters_off, __global float* square_ptr, int square_off, __global float* gradients_ptr, int gradients_off, int n, float lr, float alpha, float epsilon)
{
    __global float* parameters = parameters_ptr + parameters_off;
    __global float* square = square_ptr + square_off;
    __global float* gradients = gradients_ptr + gradients_off;

        int i = (int)get_global_id(0);
        if (i < n)
        {
            float g = gradients[i];
            float s = alpha * square[i] + (1.0f - alpha) * g * g;
            square[i] = s;
            parameters[i] = parameters[i] - lr * g / (sqrt(s) + epsilon);
        }
    }

__kernel void AdagradStep(__global float* parameters_ptr, int parameters_off, __global float* sum_ptr, int sum_off, __global float* gradients_ptr, int gradients_off, int n, float lr, float epsilon)
{
    __global float* parameters = parameters_ptr + parameters_off;
    __global float* sum = sum_ptr + sum_off;
    __global float* gradients = gradients_ptr + gradients_off;

        int i = (int)get_global_id(0);
        if (i < n)
        {
            float g = gradients[i];
            float s = sum[i] + g * g;
            sum[i] = s;
            parameters[i] = parameters[i] - lr * g / (sqrt(s) + epsilon);
        }
    }

__kernel void FillNormal(__global float* destination_ptr, int destination_off, int n, uint seedLo, uint seedHi, uint streamLo, uint streamHi)
{
    __global float* destination = destination_ptr + destination_off;

        int i = (int)get_global_id(0);
        if (i < n) destination[i] = PhiloxNormal(i, seedLo, seedHi, streamLo, streamHi);
    }

__kernel void ReparameterizeForward(__global float* z_ptr, int z_off, __global float* eps_ptr, int eps_off, __global float* mu_ptr, int mu_off, __global float* logvar_ptr, int logvar_off, int n, uint seedLo, uint seedHi, uint streamLo, uint streamHi)
{
    __global float* z = z_ptr + z_off;
    __global float* eps = eps_ptr + eps_off;
    __global float* mu = mu_ptr + mu_off;
    __global float* logvar = logvar_ptr + logvar_off;

        int i = (int)get_global_id(0);
        if (i < n)
        {
            float normal = PhiloxNormal(i, seedLo, seedHi, streamLo, streamHi);
            eps[i] = normal;
            z[i] = mu[i] + exp(0.5f * logvar[i]) * normal;
        }
    }

__kernel void ReparameterizeBackward(__global float* dmu_ptr, int dmu_off, __global float* dlogvar_ptr, int dlogvar_off, __global float* dz_ptr, int dz_off, __global float* eps_ptr, int eps_off, __global float* logvar_ptr, int logvar_off, int n)
{
    __global float* dmu = dmu_ptr + dmu_off;
    __global float* dlogvar = dlogvar_ptr + dlogvar_off;
    __global float* dz = dz_ptr + dz_off;
    __global float* eps = eps_ptr + eps_off;
    __global float* logvar = logvar_ptr + logvar_off;

        int i = (int)get_global_id(0);
        if (i < n)
        {
            dmu[i] = dmu[i] + dz[i];
            dlogvar[i] = dlogvar[i] + 0.5f * dz[i] * eps[i] * exp(0.5f * logvar[i]);
        }
    }

__kernel void PhiloxWords(__global uint* words_ptr, int words_off, int blocks, uint seedLo, uint seedHi, uint streamLo, uint streamHi)
{
    __global uint* words = words_ptr + words_off;

        int block = (int)get_global_id(0);
        if (block < blocks)
        {
            for (int word = 0; word < 4; word++)
                words[block * 4 + word] = PhiloxWord((uint)block, word, seedLo, seedHi, streamLo, streamHi);
        }
    }

__kernel void ColumnSum(__global float* sums_ptr, int sums_off, __global float* x_ptr, int x_off, int rows, int cols, int accumulate)
{
    __global float* sums = sums_ptr + sums_off;
    __global float* x = x_ptr + x_off;

        int col = (int)get_global_id(0);
        if (col < cols)
        {
            float sum = 0.0f;
            for (int row = 0; row < rows; row++) sum += x[row * cols + col];
            if (accumulate != 0) sums[col] = sums[col] + sum;
            else sums[col] = sum;
        }
    }

__kernel void SumPartials(__global float* partials_ptr, int partials_off, __global float* values_ptr, int values_off, int n)
{
    __global float* partials = partials_ptr + partials_off;
    __global float* values = values_ptr + values_off;

        __local float scratch[ReduceThreads];
        int stride = (int)get_num_groups(0) * ReduceThreads;
        float sum = 0.0f;
        for (int i = (int)get_global_id(0); i < n; i += stride) sum += values[i];
        
        int lane = (int)get_local_id(0);
        scratch[lane] = sum;
        barrier(CLK_LOCAL_MEM_FENCE);
        for (int width = ReduceThreads / 2; width > 0; width = width / 2)
        {
            if (lane < width) scratch[lane] = scratch[lane] + scratch[lane + width];
            barrier(CLK_LOCAL_MEM_FENCE);
        }
        if (lane == 0) partials[(int)get_group_id(0)] = scratch[0];
    }

__kernel void SumFinish(__global float* accumulator_ptr, int accumulator_off, __global float* partials_ptr, int partials_off, int count)
{
    __global float* accumulator = accumulator_ptr + accumulator_off;
    __global float* partials = partials_ptr + partials_off;

        __local float scratch[ReduceThreads];
        float sum = 0.0f;
        for (int i = (int)get_local_id(0); i < count; i += ReduceThreads) sum += partials[i];
        
        int lane = (int)get_local_id(0);
        scratch[lane] = sum;
        barrier(CLK_LOCAL_MEM_FENCE);
        for (int width = ReduceThreads / 2; width > 0; width = width / 2)
        {
            if (lane < width) scratch[lane] = scratch[lane] + scratch[lane + width];
            barrier(CLK_LOCAL_MEM_FENCE);
        }
        if (lane == 0) accumulator[0] = accumulator[0] + scratch[0];
    }

__kernel void BceWithLogits(__global float* rowLoss_ptr, int rowLoss_off, __global float* dlogits_ptr, int dlogits_off, __global float* logits_ptr, int logits_off, __global float* targets_ptr, int targets_off, int rows, int cols, int hasGrad, float gradScale)
{
    __global float* rowLoss = rowLoss_ptr + rowLoss_off;
    __global float* dlogits = dlogits_ptr + dlogits_off;
    __global float* logits = logits_ptr + logits_off;
    __global float* targets = targets_ptr + targets_off;

        __local float scratch[ReduceThreads];
        int row = (int)get_group_id(0);
        float sum = 0.0f;
        if (row < rows)
        {
            for (int col = (int)get_local_id(0); col < cols; col += ReduceThreads)
            {
                int i = row * cols + col;
                float l = logits[i];
                float x = targets[i];
                sum += fmax(l, 0.0f) - l * x + log(1.0f + exp(-fabs(l)));
                if (hasGrad != 0) dlogits[i] = gradScale * (1.0f / (1.0f + exp(-l)) - x);
            }
        }
        
        int lane = (int)get_local_id(0);
        scratch[lane] = sum;
        barrier(CLK_LOCAL_MEM_FENCE);
        for (int width = ReduceThreads / 2; width > 0; width = width / 2)
        {
            if (lane < width) scratch[lane] = scratch[lane] + scratch[lane + width];
            barrier(CLK_LOCAL_MEM_FENCE);
        }
        if (row < rows && lane == 0) rowLoss[row] = scratch[0];
    }

__kernel void MseOnSigmoid(__global float* rowLoss_ptr, int rowLoss_off, __global float* dlogits_ptr, int dlogits_off, __global float* logits_ptr, int logits_off, __global float* targets_ptr, int targets_off, int rows, int cols, int hasGrad, float gradScale)
{
    __global float* rowLoss = rowLoss_ptr + rowLoss_off;
    __global float* dlogits = dlogits_ptr + dlogits_off;
    __global float* logits = logits_ptr + logits_off;
    __global float* targets = targets_ptr + targets_off;

        __local float scratch[ReduceThreads];
        int row = (int)get_group_id(0);
        float sum = 0.0f;
        if (row < rows)
        {
            for (int col = (int)get_local_id(0); col < cols; col += ReduceThreads)
            {
                int i = row * cols + col;
                float s = 1.0f / (1.0f + exp(-logits[i]));
                float diff = s - targets[i];
                sum += diff * diff;
                if (hasGrad != 0) dlogits[i] = gradScale * 2.0f * diff * s * (1.0f - s);
            }
        }
        
        int lane = (int)get_local_id(0);
        scratch[lane] = sum;
        barrier(CLK_LOCAL_MEM_FENCE);
        for (int width = ReduceThreads / 2; width > 0; width = width / 2)
        {
            if (lane < width) scratch[lane] = scratch[lane] + scratch[lane + width];
            barrier(CLK_LOCAL_MEM_FENCE);
        }
        if (row < rows && lane == 0) rowLoss[row] = scratch[0];
    }

__kernel void KlDivergence(__global float* rowLoss_ptr, int rowLoss_off, __global float* dmu_ptr, int dmu_off, __global float* dlogvar_ptr, int dlogvar_off, __global float* mu_ptr, int mu_off, __global float* logvar_ptr, int logvar_off, int rows, int cols, int hasGrad, float gradScale)
{
    __global float* rowLoss = rowLoss_ptr + rowLoss_off;
    __global float* dmu = dmu_ptr + dmu_off;
    __global float* dlogvar = dlogvar_ptr + dlogvar_off;
    __global float* mu = mu_ptr + mu_off;
    __global float* logvar = logvar_ptr + logvar_off;

        __local float scratch[ReduceThreads];
        int row = (int)get_group_id(0);
        float sum = 0.0f;
        if (row < rows)
        {
            for (int col = (int)get_local_id(0); col < cols; col += ReduceThreads)
            {
                int i = row * cols + col;
                float m = mu[i];
                float lv = logvar[i];
                float e = exp(lv);
                sum += 1.0f + lv - m * m - e;
                if (hasGrad != 0)
                {
                    dmu[i] = gradScale * m;
                    dlogvar[i] = gradScale * 0.5f * (e - 1.0f);
                }
            }
        }
        
        int lane = (int)get_local_id(0);
        scratch[lane] = sum;
        barrier(CLK_LOCAL_MEM_FENCE);
        for (int width = ReduceThreads / 2; width > 0; width = width / 2)
        {
            if (lane < width) scratch[lane] = scratch[lane] + scratch[lane + width];
            barrier(CLK_LOCAL_MEM_FENCE);
        }
        if (row < rows && lane == 0) rowLoss[row] = -0.5f * scratch[0];
    }";

        public static readonly string CudaProgram = "";
    }
}

namespace VaeGpu.Kernels.Kernels
{
    internal static partial class ActivationKernels
    {
        internal static void LaunchActivationForward(IKernelLauncher launcher, in LaunchDims dims, BufferView<float> y, BufferView<float> x, int n, int activation)
        {
            launcher.Begin(0);
            launcher.SetBuffer(0, y);
            launcher.SetBuffer(1, x);
            launcher.SetInt(2, n);
            launcher.SetInt(3, activation);
            launcher.Launch(dims);
        }
        internal static void LaunchActivationBackward(IKernelLauncher launcher, in LaunchDims dims, BufferView<float> dx, BufferView<float> y, BufferView<float> dy, int n, int activation)
        {
            launcher.Begin(1);
            launcher.SetBuffer(0, dx);
            launcher.SetBuffer(1, y);
            launcher.SetBuffer(2, dy);
            launcher.SetInt(3, n);
            launcher.SetInt(4, activation);
            launcher.Launch(dims);
        }
        internal static void LaunchFill(IKernelLauncher launcher, in LaunchDims dims, BufferView<float> destination, int n, float value)
        {
            launcher.Begin(2);
            launcher.SetBuffer(0, destination);
            launcher.SetInt(1, n);
            launcher.SetFloat(2, value);
            launcher.Launch(dims);
        }
    }
}

namespace VaeGpu.Kernels.Kernels
{
    internal static partial class DataKernels
    {
        internal static void LaunchGatherImages(IKernelLauncher launcher, in LaunchDims dims, BufferView<float> destination, BufferView<byte> dataset, BufferView<int> indices, int imageSize, int images, int batch)
        {
            launcher.Begin(3);
            launcher.SetBuffer(0, destination);
            launcher.SetBuffer(1, dataset);
            launcher.SetBuffer(2, indices);
            launcher.SetInt(3, imageSize);
            launcher.SetInt(4, images);
            launcher.SetInt(5, batch);
            launcher.Launch(dims);
        }
        internal static void LaunchGatherOneHot(IKernelLauncher launcher, in LaunchDims dims, BufferView<float> destination, BufferView<byte> labels, BufferView<int> indices, int labelCount, int batch, int classes)
        {
            launcher.Begin(4);
            launcher.SetBuffer(0, destination);
            launcher.SetBuffer(1, labels);
            launcher.SetBuffer(2, indices);
            launcher.SetInt(3, labelCount);
            launcher.SetInt(4, batch);
            launcher.SetInt(5, classes);
            launcher.Launch(dims);
        }
        internal static void LaunchCopyColumns(IKernelLauncher launcher, in LaunchDims dims, BufferView<float> destination, BufferView<float> source, int rows, int srcCols, int srcColOffset, int dstCols, int dstColOffset, int cols)
        {
            launcher.Begin(5);
            launcher.SetBuffer(0, destination);
            launcher.SetBuffer(1, source);
            launcher.SetInt(2, rows);
            launcher.SetInt(3, srcCols);
            launcher.SetInt(4, srcColOffset);
            launcher.SetInt(5, dstCols);
            launcher.SetInt(6, dstColOffset);
            launcher.SetInt(7, cols);
            launcher.Launch(dims);
        }
    }
}

namespace VaeGpu.Kernels.Kernels
{
    internal static partial class GemmKernels
    {
        internal static void LaunchGemm(IKernelLauncher launcher, in LaunchDims dims, BufferView<float> c, BufferView<float> a, BufferView<float> b, BufferView<float> bias, int m, int n, int depth, int aRowStride, int aColStride, int bRowStride, int bColStride, int accumulate, int hasBias, int activation)
        {
            launcher.Begin(6);
            launcher.SetBuffer(0, c);
            launcher.SetBuffer(1, a);
            launcher.SetBuffer(2, b);
            launcher.SetBuffer(3, bias);
            launcher.SetInt(4, m);
            launcher.SetInt(5, n);
            launcher.SetInt(6, depth);
            launcher.SetInt(7, aRowStride);
            launcher.SetInt(8, aColStride);
            launcher.SetInt(9, bRowStride);
            launcher.SetInt(10, bColStride);
            launcher.SetInt(11, accumulate);
            launcher.SetInt(12, hasBias);
            launcher.SetInt(13, activation);
            launcher.Launch(dims);
        }
    }
}

namespace VaeGpu.Kernels.Kernels
{
    internal static partial class OptimizerKernels
    {
        internal static void LaunchAdamStep(IKernelLauncher launcher, in LaunchDims dims, BufferView<float> parameters, BufferView<float> m, BufferView<float> v, BufferView<float> gradients, int n, float lr, float beta1, float beta2, float epsilon, float c1, float c2)
        {
            launcher.Begin(7);
            launcher.SetBuffer(0, parameters);
            launcher.SetBuffer(1, m);
            launcher.SetBuffer(2, v);
            launcher.SetBuffer(3, gradients);
            launcher.SetInt(4, n);
            launcher.SetFloat(5, lr);
            launcher.SetFloat(6, beta1);
            launcher.SetFloat(7, beta2);
            launcher.SetFloat(8, epsilon);
            launcher.SetFloat(9, c1);
            launcher.SetFloat(10, c2);
            launcher.Launch(dims);
        }
        internal static void LaunchSgdStep(IKernelLauncher launcher, in LaunchDims dims, BufferView<float> parameters, BufferView<float> velocity, BufferView<float> gradients, int n, float lr, float momentum)
        {
            launcher.Begin(8);
            launcher.SetBuffer(0, parameters);
            launcher.SetBuffer(1, velocity);
            launcher.SetBuffer(2, gradients);
            launcher.SetInt(3, n);
            launcher.SetFloat(4, lr);
            launcher.SetFloat(5, momentum);
            launcher.Launch(dims);
        }
        internal static void LaunchRmsPropStep(IKernelLauncher launcher, in LaunchDims dims, BufferView<float> parameters, BufferView<float> square, BufferView<float> gradients, int n, float lr, float alpha, float epsilon)
        {
            launcher.Begin(9);
            launcher.SetBuffer(0, parameters);
            launcher.SetBuffer(1, square);
            launcher.SetBuffer(2, gradients);
            launcher.SetInt(3, n);
            launcher.SetFloat(4, lr);
            launcher.SetFloat(5, alpha);
            launcher.SetFloat(6, epsilon);
            launcher.Launch(dims);
        }
        internal static void LaunchAdagradStep(IKernelLauncher launcher, in LaunchDims dims, BufferView<float> parameters, BufferView<float> sum, BufferView<float> gradients, int n, float lr, float epsilon)
        {
            launcher.Begin(10);
            launcher.SetBuffer(0, parameters);
            launcher.SetBuffer(1, sum);
            launcher.SetBuffer(2, gradients);
            launcher.SetInt(3, n);
            launcher.SetFloat(4, lr);
            launcher.SetFloat(5, epsilon);
            launcher.Launch(dims);
        }
    }
}

namespace VaeGpu.Kernels.Kernels
{
    internal static partial class RandomKernels
    {
        internal static void LaunchFillNormal(IKernelLauncher launcher, in LaunchDims dims, BufferView<float> destination, int n, uint seedLo, uint seedHi, uint streamLo, uint streamHi)
        {
            launcher.Begin(11);
            launcher.SetBuffer(0, destination);
            launcher.SetInt(1, n);
            launcher.SetUInt(2, seedLo);
            launcher.SetUInt(3, seedHi);
            launcher.SetUInt(4, streamLo);
            launcher.SetUInt(5, streamHi);
            launcher.Launch(dims);
        }
        internal static void LaunchReparameterizeForward(IKernelLauncher launcher, in LaunchDims dims, BufferView<float> z, BufferView<float> eps, BufferView<float> mu, BufferView<float> logvar, int n, uint seedLo, uint seedHi, uint streamLo, uint streamHi)
        {
            launcher.Begin(12);
            launcher.SetBuffer(0, z);
            launcher.SetBuffer(1, eps);
            launcher.SetBuffer(2, mu);
            launcher.SetBuffer(3, logvar);
            launcher.SetInt(4, n);
            launcher.SetUInt(5, seedLo);
            launcher.SetUInt(6, seedHi);
            launcher.SetUInt(7, streamLo);
            launcher.SetUInt(8, streamHi);
            launcher.Launch(dims);
        }
        internal static void LaunchReparameterizeBackward(IKernelLauncher launcher, in LaunchDims dims, BufferView<float> dmu, BufferView<float> dlogvar, BufferView<float> dz, BufferView<float> eps, BufferView<float> logvar, int n)
        {
            launcher.Begin(13);
            launcher.SetBuffer(0, dmu);
            launcher.SetBuffer(1, dlogvar);
            launcher.SetBuffer(2, dz);
            launcher.SetBuffer(3, eps);
            launcher.SetBuffer(4, logvar);
            launcher.SetInt(5, n);
            launcher.Launch(dims);
        }
        internal static void LaunchPhiloxWords(IKernelLauncher launcher, in LaunchDims dims, BufferView<uint> words, int blocks, uint seedLo, uint seedHi, uint streamLo, uint streamHi)
        {
            launcher.Begin(14);
            launcher.SetBuffer(0, words);
            launcher.SetInt(1, blocks);
            launcher.SetUInt(2, seedLo);
            launcher.SetUInt(3, seedHi);
            launcher.SetUInt(4, streamLo);
            launcher.SetUInt(5, streamHi);
            launcher.Launch(dims);
        }
    }
}

namespace VaeGpu.Kernels.Kernels
{
    internal static partial class ReductionKernels
    {
        internal static void LaunchColumnSum(IKernelLauncher launcher, in LaunchDims dims, BufferView<float> sums, BufferView<float> x, int rows, int cols, int accumulate)
        {
            launcher.Begin(15);
            launcher.SetBuffer(0, sums);
            launcher.SetBuffer(1, x);
            launcher.SetInt(2, rows);
            launcher.SetInt(3, cols);
            launcher.SetInt(4, accumulate);
            launcher.Launch(dims);
        }
        internal static void LaunchSumPartials(IKernelLauncher launcher, in LaunchDims dims, BufferView<float> partials, BufferView<float> values, int n)
        {
            launcher.Begin(16);
            launcher.SetBuffer(0, partials);
            launcher.SetBuffer(1, values);
            launcher.SetInt(2, n);
            launcher.Launch(dims);
        }
        internal static void LaunchSumFinish(IKernelLauncher launcher, in LaunchDims dims, BufferView<float> accumulator, BufferView<float> partials, int count)
        {
            launcher.Begin(17);
            launcher.SetBuffer(0, accumulator);
            launcher.SetBuffer(1, partials);
            launcher.SetInt(2, count);
            launcher.Launch(dims);
        }
        internal static void LaunchBceWithLogits(IKernelLauncher launcher, in LaunchDims dims, BufferView<float> rowLoss, BufferView<float> dlogits, BufferView<float> logits, BufferView<float> targets, int rows, int cols, int hasGrad, float gradScale)
        {
            launcher.Begin(18);
            launcher.SetBuffer(0, rowLoss);
            launcher.SetBuffer(1, dlogits);
            launcher.SetBuffer(2, logits);
            launcher.SetBuffer(3, targets);
            launcher.SetInt(4, rows);
            launcher.SetInt(5, cols);
            launcher.SetInt(6, hasGrad);
            launcher.SetFloat(7, gradScale);
            launcher.Launch(dims);
        }
        internal static void LaunchMseOnSigmoid(IKernelLauncher launcher, in LaunchDims dims, BufferView<float> rowLoss, BufferView<float> dlogits, BufferView<float> logits, BufferView<float> targets, int rows, int cols, int hasGrad, float gradScale)
        {
            launcher.Begin(19);
            launcher.SetBuffer(0, rowLoss);
            launcher.SetBuffer(1, dlogits);
            launcher.SetBuffer(2, logits);
            launcher.SetBuffer(3, targets);
            launcher.SetInt(4, rows);
            launcher.SetInt(5, cols);
            launcher.SetInt(6, hasGrad);
            launcher.SetFloat(7, gradScale);
            launcher.Launch(dims);
        }
        internal static void LaunchKlDivergence(IKernelLauncher launcher, in LaunchDims dims, BufferView<float> rowLoss, BufferView<float> dmu, BufferView<float> dlogvar, BufferView<float> mu, BufferView<float> logvar, int rows, int cols, int hasGrad, float gradScale)
        {
            launcher.Begin(20);
            launcher.SetBuffer(0, rowLoss);
            launcher.SetBuffer(1, dmu);
            launcher.SetBuffer(2, dlogvar);
            launcher.SetBuffer(3, mu);
            launcher.SetBuffer(4, logvar);
            launcher.SetInt(5, rows);
            launcher.SetInt(6, cols);
            launcher.SetInt(7, hasGrad);
            launcher.SetFloat(8, gradScale);
            launcher.Launch(dims);
        }
    }
}
