/* A stand-in for libnvrtc.so: "compiles" by handing the source back as the PTX (fake_cuda.c reads
   the kernel signatures from it), checks that the options name one virtual architecture, and
   reports a fixed list of supported architectures so the caller's choice can be checked. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct { char *source; } Program;

static void logf_(const char *text, const char *arg) {
    const char *path = getenv("FAKE_CUDA_LOG");
    FILE *f = path ? fopen(path, "a") : NULL;
    if (!f) return;
    fprintf(f, "%s%s\n", text, arg);
    fclose(f);
}

int nvrtcVersion(int *major, int *minor) { *major = 12; *minor = 4; return 0; }
int nvrtcGetNumSupportedArchs(int *n) { *n = 3; return 0; }
int nvrtcGetSupportedArchs(int *archs) { archs[0] = 75; archs[1] = 80; archs[2] = 86; return 0; }
int nvrtcCreateProgram(Program **p, const char *src, const char *name, int n, const char **headers,
                       const char **includes) {
    if (!src || !name || n != 0) return 3;
    *p = calloc(1, sizeof(Program));
    (*p)->source = strdup(src);
    logf_("nvrtc program ", name);
    return 0;
}
int nvrtcCompileProgram(Program *p, int n, const char **options) {
    if (n != 1 || strncmp(options[0], "--gpu-architecture=compute_", 27) != 0) return 5;
    logf_("nvrtc option ", options[0]);
    return p ? 0 : 4;
}
int nvrtcGetPTXSize(Program *p, size_t *size) { *size = strlen(p->source) + 1; return 0; }
int nvrtcGetPTX(Program *p, char *ptx) { strcpy(ptx, p->source); return 0; }
int nvrtcGetProgramLogSize(Program *p, size_t *size) { *size = 1; return p ? 0 : 4; }
int nvrtcGetProgramLog(Program *p, char *log) { log[0] = 0; return p ? 0 : 4; }
int nvrtcDestroyProgram(Program **p) { free((*p)->source); free(*p); *p = NULL; return 0; }
