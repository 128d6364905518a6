/* A stand-in for libcuda.so.1 that checks how VaeGpu calls the driver API, on a machine without a
   GPU. "Device memory" is host memory; a module is the CUDA C text that fake_nvrtc.c returns as its
   "PTX", from which each kernel's signature is read, so every launch's argument block can be checked
   against the generated signature: a buffer is the base of a live allocation followed by an int
   element offset inside it. Kernels do not run. Every call is appended to $FAKE_CUDA_LOG. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int CUresult;
typedef unsigned long long CUdeviceptr;

static void logf_(const char *fmt, ...) {
    const char *path = getenv("FAKE_CUDA_LOG");
    if (!path) return;
    FILE *f = fopen(path, "a");
    if (!f) return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    fputc('\n', f);
    fclose(f);
}

#define MAX_ALLOCS 65536
static struct { CUdeviceptr ptr; size_t size; } allocs[MAX_ALLOCS];
static int initialized, context_current;

static long find_alloc(CUdeviceptr p) {
    for (int i = 0; i < MAX_ALLOCS; i++) if (allocs[i].ptr == p) return i;
    return -1;
}
static int inside(CUdeviceptr p, size_t bytes) {
    for (int i = 0; i < MAX_ALLOCS; i++)
        if (allocs[i].ptr && p >= allocs[i].ptr && p + bytes <= allocs[i].ptr + allocs[i].size) return 1;
    return 0;
}

CUresult cuInit(unsigned flags) { initialized = 1; logf_("cuInit %u", flags); return flags == 0 ? 0 : 1; }
CUresult cuDriverGetVersion(int *v) { *v = 12040; return 0; }
CUresult cuDeviceGetCount(int *n) { *n = initialized ? 1 : 0; return initialized ? 0 : 3; }
CUresult cuDeviceGet(int *d, int ordinal) { if (ordinal != 0) return 101; *d = 0; return 0; }
CUresult cuDeviceGetName(char *name, int len, int d) {
    snprintf(name, len, "VaeGpu Fake GPU");
    return d == 0 ? 0 : 101;
}
CUresult cuDeviceTotalMem_v2(size_t *bytes, int d) { *bytes = (size_t)8 << 30; return d == 0 ? 0 : 101; }
CUresult cuDeviceGetAttribute(int *v, int attr, int d) {
    switch (attr) {
    case 1: *v = 1024; break;   /* max threads per block */
    case 16: *v = 4; break;     /* multiprocessors */
    case 75: *v = 8; break;     /* compute capability 8.9 */
    case 76: *v = 9; break;
    default: *v = 0;
    }
    return d == 0 ? 0 : 101;
}
CUresult cuDevicePrimaryCtxRetain(void **ctx, int d) {
    *ctx = (void *)0xC0C0;
    logf_("retain");
    return d == 0 ? 0 : 101;
}
CUresult cuDevicePrimaryCtxRelease_v2(int d) { logf_("release"); return d == 0 ? 0 : 101; }
CUresult cuCtxSetCurrent(void *ctx) { context_current = ctx == (void *)0xC0C0; return 0; }
CUresult cuCtxSynchronize(void) { return context_current ? 0 : 201; }

CUresult cuMemAlloc_v2(CUdeviceptr *p, size_t bytes) {
    if (!context_current) return 201;
    long i = find_alloc(0);
    if (i < 0 || bytes == 0) return 2;
    allocs[i].ptr = (CUdeviceptr)(uintptr_t)calloc(1, bytes);
    allocs[i].size = bytes;
    *p = allocs[i].ptr;
    return 0;
}
CUresult cuMemFree_v2(CUdeviceptr p) {
    long i = find_alloc(p);
    if (i < 0 || p == 0) { logf_("VIOLATION cuMemFree of %llx, not an allocation", p); return 1; }
    free((void *)(uintptr_t)p);
    allocs[i].ptr = 0;
    return 0;
}
CUresult cuMemcpyHtoD_v2(CUdeviceptr dst, const void *src, size_t n) {
    if (!inside(dst, n)) { logf_("VIOLATION HtoD %zu bytes to %llx", n, dst); return 1; }
    memcpy((void *)(uintptr_t)dst, src, n);
    return 0;
}
CUresult cuMemcpyDtoH_v2(void *dst, CUdeviceptr src, size_t n) {
    if (!inside(src, n)) { logf_("VIOLATION DtoH %zu bytes from %llx", n, src); return 1; }
    memcpy(dst, (void *)(uintptr_t)src, n);
    return 0;
}
CUresult cuMemcpyDtoD_v2(CUdeviceptr dst, CUdeviceptr src, size_t n) {
    if (!inside(dst, n) || !inside(src, n)) { logf_("VIOLATION DtoD %zu bytes", n); return 1; }
    memmove((void *)(uintptr_t)dst, (void *)(uintptr_t)src, n);
    return 0;
}
CUresult cuMemsetD32_v2(CUdeviceptr dst, unsigned value, size_t count) {
    if (!inside(dst, count * 4)) { logf_("VIOLATION memset %zu words at %llx", count, dst); return 1; }
    for (size_t i = 0; i < count; i++) ((unsigned *)(uintptr_t)dst)[i] = value;
    return 0;
}

#define MAX_PARAMS 64
typedef struct { char name[128]; int count; int pointer[MAX_PARAMS]; int elem[MAX_PARAMS]; } Function;

CUresult cuModuleLoadDataEx(void **module, const void *image, unsigned n, int *options, void **values) {
    if (!context_current) return 201;
    if (n != 2 || options[0] != 5 || options[1] != 6 || (uintptr_t)values[1] < 1024) {
        logf_("VIOLATION cuModuleLoadDataEx without an error log buffer");
        return 1;
    }
    if (strncmp((const char *)image, "// VaeGpu generated CUDA C", 26) != 0) {
        snprintf((char *)values[0], (size_t)(uintptr_t)values[1], "fake JIT: not VaeGpu's program");
        return 218;
    }
    *module = strdup((const char *)image);
    logf_("module %zu bytes", strlen((const char *)image));
    return 0;
}
CUresult cuModuleUnload(void *module) { free(module); logf_("unload"); return 0; }

CUresult cuModuleGetFunction(void **function, void *module, const char *name) {
    char pattern[160];
    snprintf(pattern, sizeof pattern, "__global__ void %s(", name);
    const char *at = strstr((const char *)module, pattern);
    if (!at) { logf_("no kernel %s", name); return 500; }
    Function *f = calloc(1, sizeof(Function));
    snprintf(f->name, sizeof f->name, "%s", name);
    const char *p = at + strlen(pattern);
    while (*p && *p != ')') {
        const char *end = p;
        while (*end && *end != ',' && *end != ')') end++;
        char param[128] = {0};
        memcpy(param, p, (size_t)(end - p) < 127 ? (size_t)(end - p) : 127);
        f->pointer[f->count] = strchr(param, '*') != NULL;
        f->elem[f->count] = strstr(param, "uchar") ? 1 : 4;
        f->count++;
        p = *end == ',' ? end + 1 : end;
    }
    *function = f;
    return 0;
}

CUresult cuLaunchKernel(void *function, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by,
                        unsigned bz, unsigned shared, void *stream, void **params, void **extra) {
    Function *f = function;
    if (!context_current) return 201;
    if (gx == 0 || gy == 0 || gz != 1 || bx * by * bz > 1024 || bz != 1 || shared != 0 || extra != NULL) {
        logf_("VIOLATION %s launch geometry %ux%ux%u blocks of %ux%ux%u", f->name, gx, gy, gz, bx, by, bz);
        return 1;
    }
    for (int i = 0; i < f->count; i++) {
        if (!f->pointer[i]) continue;
        CUdeviceptr base = *(CUdeviceptr *)params[i];
        int offset = *(int *)params[i + 1];
        long a = find_alloc(base);
        if (base == 0 || a < 0 || offset < 0 || (size_t)offset * f->elem[i] > allocs[a].size) {
            logf_("VIOLATION %s parameter %d: %llx + %d elements is not inside a buffer",
                  f->name, i, base, offset);
            return 1;
        }
    }
    logf_("launch %s %d args grid %ux%u block %ux%u", f->name, f->count, gx, gy, bx, by);
    return 0;
}

CUresult cuEventCreate(void **e, unsigned flags) { *e = malloc(1); return flags == 0 ? 0 : 1; }
CUresult cuEventRecord(void *e, void *stream) { return e && !stream ? 0 : 1; }
CUresult cuEventSynchronize(void *e) { return e ? 0 : 1; }
CUresult cuEventElapsedTime(float *ms, void *a, void *b) { *ms = 1.0f; return a && b ? 0 : 1; }
CUresult cuEventDestroy_v2(void *e) { free(e); return 0; }
CUresult cuGetErrorName(CUresult r, const char **s) {
    *s = r == 1 ? "CUDA_ERROR_INVALID_VALUE" : r == 218 ? "CUDA_ERROR_INVALID_PTX" : "CUDA_ERROR_UNKNOWN";
    return 0;
}
