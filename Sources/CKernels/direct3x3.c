#include "CKernels.h"
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

/// Stores 16 computed outputs `v` of one output row at `dst` (count ≤ 16 of them), as
/// `Rows.store` does: = or += (`accumulate`), zero where `mask` ≤ 0.
static inline void store_span(const float *v, long count, const float *mask, int accumulate, float *dst) {
    for (long i = 0; i < count; i++) {
        float value = (mask && !(mask[i] > 0)) ? 0.0f : v[i];
        dst[i] = accumulate ? dst[i] + value : value;
    }
}

// MARK: Portable (any x86-64: the compiler's SSE2 vectors; separate multiply and add)

static void direct_portable(const float *src, long h, long width, long pitch, long planeSize, long channels,
                            const float *w, long outChannels, const float *mask, int accumulate, float *out) {
    long wPitch = (outChannels + 3) / 4 * 4;
    float acc[4][16];
    for (long y = 0; y < h; y++) {
        for (long x0 = 0; x0 < width; x0 += 16) {
            for (long block = 0; block < outChannels; block += 4) {
                memset(acc, 0, sizeof acc);
                const float *row = src + y * pitch + x0, *taps = w + block;
                for (long i = 0; i < channels; i++) {
                    for (int ky = 0; ky < 3; ky++) {
                        const float *r = row + ky * pitch, *t = taps + 3 * ky * wPitch;
                        for (int kx = 0; kx < 3; kx++) {
                            const float *k = t + kx * wPitch;
                            for (int c = 0; c < 4; c++) {
                                float kc = k[c];
                                for (int p = 0; p < 16; p++) acc[c][p] += kc * r[kx + p];
                            }
                        }
                    }
                    row += planeSize; taps += 9 * wPitch;
                }
                long count = width - x0 < 16 ? width - x0 : 16;
                for (int c = 0; c < 4 && block + c < outChannels; c++) {
                    long offset = ((block + c) * h + y) * width + x0;
                    store_span(acc[c], count, mask ? mask + offset : 0, accumulate, out + offset);
                }
            }
        }
    }
}

#if defined(__x86_64__)

// MARK: AVX2 + FMA: 4 output channels × 16 pixels in 8 ymm accumulators (as the Swift kernel)

/// `store_span` of 8 values (`count` ≤ 8 of them) in one vector when all 8 are stored; as
/// `Rows.store`'s vector loop: zero where mask ≤ 0, then added to dst when `accumulate`.
__attribute__((target("avx2,fma")))
static inline void store8_avx2(__m256 v, long count, const float *mask, int accumulate, float *dst, float *span) {
    if (count < 8) {
        _mm256_storeu_ps(span, v);
        store_span(span, count, mask, accumulate, dst);
        return;
    }
    if (mask) v = _mm256_andnot_ps(_mm256_cmp_ps(_mm256_loadu_ps(mask), _mm256_setzero_ps(), _CMP_LE_OQ), v);
    if (accumulate) v = _mm256_add_ps(_mm256_loadu_ps(dst), v);
    _mm256_storeu_ps(dst, v);
}

__attribute__((target("avx2,fma")))
static void direct_avx2(const float *src, long h, long width, long pitch, long planeSize, long channels,
                        const float *w, long outChannels, const float *mask, int accumulate, float *out) {
    long wPitch = (outChannels + 3) / 4 * 4;
    float span[16];
    for (long y = 0; y < h; y++) {
        for (long x0 = 0; x0 < width; x0 += 16) {
            for (long block = 0; block < outChannels; block += 4) {
                __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
                const float *row = src + y * pitch + x0, *taps = w + block;
                for (long i = 0; i < channels; i++) {
                    for (int ky = 0; ky < 3; ky++) {
                        const float *r = row + ky * pitch, *t = taps + 3 * ky * wPitch;
                        for (int kx = 0; kx < 3; kx++) {
                            __m256 v = _mm256_loadu_ps(r + kx), u = _mm256_loadu_ps(r + kx + 8);
                            const float *k = t + kx * wPitch;
                            __m256 k0 = _mm256_broadcast_ss(k), k1 = _mm256_broadcast_ss(k + 1);
                            __m256 k2 = _mm256_broadcast_ss(k + 2), k3 = _mm256_broadcast_ss(k + 3);
                            a0 = _mm256_fmadd_ps(k0, v, a0); b0 = _mm256_fmadd_ps(k0, u, b0);
                            a1 = _mm256_fmadd_ps(k1, v, a1); b1 = _mm256_fmadd_ps(k1, u, b1);
                            a2 = _mm256_fmadd_ps(k2, v, a2); b2 = _mm256_fmadd_ps(k2, u, b2);
                            a3 = _mm256_fmadd_ps(k3, v, a3); b3 = _mm256_fmadd_ps(k3, u, b3);
                        }
                    }
                    row += planeSize; taps += 9 * wPitch;
                }
                long count = width - x0 < 16 ? width - x0 : 16;
                __m256 lo[4] = {a0, a1, a2, a3}, hi[4] = {b0, b1, b2, b3};
                for (int c = 0; c < 4 && block + c < outChannels; c++) {
                    long offset = ((block + c) * h + y) * width + x0;
                    const float *m = mask ? mask + offset : 0;
                    store8_avx2(lo[c], count < 8 ? count : 8, m, accumulate, out + offset, span);
                    if (count > 8) store8_avx2(hi[c], count - 8, m ? m + 8 : 0, accumulate, out + offset + 8, span);
                }
            }
        }
    }
}

// MARK: AVX-512F: 4 output channels × 16 pixels × 2 rows in 8 zmm accumulators

/// Rows y and y + 1 (`rows` = 2) or row y alone (`rows` = 1) of one 4-channel, 16-pixel block.
__attribute__((target("avx512f")))
static inline void direct_avx512_block(const float *src, long y, long rows, long x0, long block, long h, long width,
                                       long pitch, long planeSize, long channels, const float *w, long wPitch,
                                       long outChannels, const float *mask, int accumulate, float *out) {
    __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
    const float *row = src + y * pitch + x0, *taps = w + block;
    for (long i = 0; i < channels; i++) {
        for (int ky = 0; ky < 3; ky++) {
            const float *r = row + ky * pitch, *t = taps + 3 * ky * wPitch;
            for (int kx = 0; kx < 3; kx++) {
                const float *k = t + kx * wPitch;
                __m512 k0 = _mm512_set1_ps(k[0]), k1 = _mm512_set1_ps(k[1]);
                __m512 k2 = _mm512_set1_ps(k[2]), k3 = _mm512_set1_ps(k[3]);
                __m512 v = _mm512_loadu_ps(r + kx);
                a0 = _mm512_fmadd_ps(k0, v, a0); a1 = _mm512_fmadd_ps(k1, v, a1);
                a2 = _mm512_fmadd_ps(k2, v, a2); a3 = _mm512_fmadd_ps(k3, v, a3);
                if (rows == 2) {
                    __m512 u = _mm512_loadu_ps(r + pitch + kx);
                    b0 = _mm512_fmadd_ps(k0, u, b0); b1 = _mm512_fmadd_ps(k1, u, b1);
                    b2 = _mm512_fmadd_ps(k2, u, b2); b3 = _mm512_fmadd_ps(k3, u, b3);
                }
            }
        }
        row += planeSize; taps += 9 * wPitch;
    }
    long count = width - x0 < 16 ? width - x0 : 16;
    __m512 first[4] = {a0, a1, a2, a3}, second[4] = {b0, b1, b2, b3};
    // The `count` lanes stored; as `Rows.store`: zero where mask ≤ 0, then added when `accumulate`.
    __mmask16 lanes = (__mmask16)((1u << count) - 1);
    for (long dy = 0; dy < rows; dy++) {
        for (int c = 0; c < 4 && block + c < outChannels; c++) {
            long offset = ((block + c) * h + y + dy) * width + x0;
            __m512 value = dy == 0 ? first[c] : second[c];
            if (mask) {
                __mmask16 off = _mm512_cmp_ps_mask(_mm512_maskz_loadu_ps(lanes, mask + offset), _mm512_setzero_ps(), _CMP_LE_OQ);
                value = _mm512_maskz_mov_ps((__mmask16)~off, value);
            }
            if (accumulate) value = _mm512_add_ps(_mm512_maskz_loadu_ps(lanes, out + offset), value);
            _mm512_mask_storeu_ps(out + offset, lanes, value);
        }
    }
}

__attribute__((target("avx512f")))
static void direct_avx512(const float *src, long h, long width, long pitch, long planeSize, long channels,
                          const float *w, long outChannels, const float *mask, int accumulate, float *out) {
    long wPitch = (outChannels + 3) / 4 * 4;
    for (long y = 0; y < h; y += 2) {
        long rows = h - y >= 2 ? 2 : 1;
        for (long x0 = 0; x0 < width; x0 += 16) {
            for (long block = 0; block < outChannels; block += 4) {
                direct_avx512_block(src, y, rows, x0, block, h, width, pitch, planeSize, channels, w, wPitch,
                                    outChannels, mask, accumulate, out);
            }
        }
    }
}
#endif

void rednas_direct3x3_image(int isa, const float *src, long height, long width, long pitch, long planeSize,
                            long channels, const float *w, long outChannels, const float *mask, int accumulate,
                            float *out) {
#if defined(__x86_64__)
    if (isa == REDNAS_ISA_AVX512) {
        direct_avx512(src, height, width, pitch, planeSize, channels, w, outChannels, mask, accumulate, out);
        return;
    }
    if (isa == REDNAS_ISA_AVX2) {
        direct_avx2(src, height, width, pitch, planeSize, channels, w, outChannels, mask, accumulate, out);
        return;
    }
#endif
    (void)isa;
    direct_portable(src, height, width, pitch, planeSize, channels, w, outChannels, mask, accumulate, out);
}
