#include "CKernels.h"

// The kernels of vector_kernels.h, once per instruction set; `rednas_*` pick the instance by `isa`.

#define VW 4
#define SUFFIX portable
#include "vector_kernels.h"
#undef SUFFIX
#undef VW

#if defined(__x86_64__)
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#define VW 8
#define SUFFIX avx2
#include "vector_kernels.h"
#undef SUFFIX
#undef VW
#pragma clang attribute pop

#pragma clang attribute push(__attribute__((target("avx512f,avx2,fma"))), apply_to = function)
#define VW 8
#define SUFFIX avx512_8
#include "vector_kernels.h"
#undef SUFFIX
#undef VW
#define VW 16
#define SUFFIX avx512
#define HALF avx512_8
#include "vector_kernels.h"
#undef HALF
#undef SUFFIX
#undef VW
#pragma clang attribute pop
#define VK_DISPATCH(name, ...)                                                                                   \
    do {                                                                                                       \
        if (isa == REDNAS_ISA_AVX512) { name##avx512(__VA_ARGS__); return; }                                   \
        if (isa == REDNAS_ISA_AVX2) { name##avx2(__VA_ARGS__); return; }                                       \
        name##portable(__VA_ARGS__);                                                                           \
    } while (0)
#else
#define VK_DISPATCH(name, ...) name##portable(__VA_ARGS__)
#endif

void rednas_small_multiply(int isa, long rows, long cols, long inner, const float *a, long lda, const float *b,
                           long ldb, float *c, long ldc) {
    VK_DISPATCH(vk_multiply_, rows, cols, inner, a, lda, b, ldb, c, ldc);
}

void rednas_small_accumulate_transposed(int isa, long rows, long cols, long inner, const float *a, long lda,
                                        const float *b, long ldb, float *c, long ldc) {
    VK_DISPATCH(vk_accumulate_transposed_, rows, cols, inner, a, lda, b, ldb, c, ldc);
}

void rednas_winograd4_inputs(int isa, long count, const float *patches, long run, float *out, long stride) {
    VK_DISPATCH(vk_winograd4_inputs_, count, patches, run, out, stride);
}

void rednas_winograd4_outputs(int isa, long count, const float *m, long stride, float *out, long run) {
    VK_DISPATCH(vk_winograd4_outputs_, count, m, stride, out, run);
}

void rednas_winograd4_gradients(int isa, long count, const float *grads, long run, long rowPitch, float *out,
                                long stride) {
    VK_DISPATCH(vk_winograd4_gradients_, count, grads, run, rowPitch, out, stride);
}

void rednas_bn_shifted_sums(int isa, const float *p, long count, float shift, double sums[2]) {
    VK_DISPATCH(vk_shifted_sums_, p, count, shift, sums);
}

void rednas_bn_gradient_sums(int isa, const float *dy, const float *z, long count, float mu, double sums[2]) {
    VK_DISPATCH(vk_gradient_sums_, dy, z, count, mu, sums);
}

void rednas_bn_affine_plane(int isa, const float *z, long count, float a, float b, int overwrite, float *y) {
    VK_DISPATCH(vk_affine_plane_, z, count, a, b, overwrite, y);
}
