// The vector kernels, written once for vectors of VW floats (GCC/Clang vector extensions) and
// instantiated per instruction set by vectors.c, which includes this file once per variant with
//   VW      the lanes per vector (4 portable, 8 AVX2, 16 AVX-512F),
//   SUFFIX  the suffix of the variant's function names,
//   HALF    (optional) the suffix of an instance with 8 lanes in the same target, for the last
//           group of 8 columns or tiles when VW is 16 (runs are whole multiples of 8, not 16).
// Products accumulate with `s = s + a * b`, which the compiler fuses into one multiply-add where
// the target has FMA (-ffp-contract=on), and leaves a separate multiply and add where it has not.
// No header guard: included several times on purpose.

#define VK_CAT2(a, b) a##b
#define VK_CAT(a, b) VK_CAT2(a, b)
#define VK(name) VK_CAT(name, SUFFIX)
#define VK_VEC VK(vk_vector_)

typedef float VK_VEC __attribute__((vector_size(4 * VW)));

static inline __attribute__((unused)) VK_VEC VK(vk_load_)(const float *p) {
    VK_VEC v;
    __builtin_memcpy(&v, p, sizeof v);
    return v;
}

static inline __attribute__((unused)) void VK(vk_store_)(VK_VEC v, float *p) { __builtin_memcpy(p, &v, sizeof v); }

static inline __attribute__((unused)) VK_VEC VK(vk_splat_)(float s) { return (VK_VEC){0} + s; }

static inline __attribute__((unused)) float VK(vk_sum_)(VK_VEC v) {
    float s = 0;
    for (int i = 0; i < VW; i++) s += v[i];
    return s;
}

#define LD VK(vk_load_)
#define ST VK(vk_store_)
#define SPLAT VK(vk_splat_)

// MARK: Small products

/// C [rows, cols] = A [rows, inner] · B [inner, cols]: 4 rows × 2 vectors of columns in 8
/// accumulators, then 4 rows × 1 vector, then single rows; columns past the last whole vector go
/// to the HALF instance. Sums run in order over the inner index.
static __attribute__((unused)) void VK(vk_multiply_)(long rows, long cols, long inner, const float *a, long lda, const float *b, long ldb,
                             float *c, long ldc) {
    long whole = cols / VW * VW, r = 0;
    for (; r + 4 <= rows; r += 4) {
        const float *a0 = a + r * lda, *a1 = a0 + lda, *a2 = a1 + lda, *a3 = a2 + lda;
        float *c0 = c + r * ldc, *c1 = c0 + ldc, *c2 = c1 + ldc, *c3 = c2 + ldc;
        long col = 0;
        for (; col + 2 * VW <= whole; col += 2 * VW) {
            VK_VEC s00 = {0}, s01 = {0}, s10 = {0}, s11 = {0}, s20 = {0}, s21 = {0}, s30 = {0}, s31 = {0};
            for (long k = 0; k < inner; k++) {
                VK_VEC x0 = LD(b + k * ldb + col), x1 = LD(b + k * ldb + col + VW);
                VK_VEC w0 = SPLAT(a0[k]), w1 = SPLAT(a1[k]), w2 = SPLAT(a2[k]), w3 = SPLAT(a3[k]);
                s00 = s00 + w0 * x0; s01 = s01 + w0 * x1; s10 = s10 + w1 * x0; s11 = s11 + w1 * x1;
                s20 = s20 + w2 * x0; s21 = s21 + w2 * x1; s30 = s30 + w3 * x0; s31 = s31 + w3 * x1;
            }
            ST(s00, c0 + col); ST(s01, c0 + col + VW); ST(s10, c1 + col); ST(s11, c1 + col + VW);
            ST(s20, c2 + col); ST(s21, c2 + col + VW); ST(s30, c3 + col); ST(s31, c3 + col + VW);
        }
        if (col < whole) {
            VK_VEC s0 = {0}, s1 = {0}, s2 = {0}, s3 = {0};
            for (long k = 0; k < inner; k++) {
                VK_VEC x = LD(b + k * ldb + col);
                s0 = s0 + SPLAT(a0[k]) * x; s1 = s1 + SPLAT(a1[k]) * x;
                s2 = s2 + SPLAT(a2[k]) * x; s3 = s3 + SPLAT(a3[k]) * x;
            }
            ST(s0, c0 + col); ST(s1, c1 + col); ST(s2, c2 + col); ST(s3, c3 + col);
        }
    }
    for (; r < rows; r++) {
        const float *ar = a + r * lda;
        for (long col = 0; col < whole; col += VW) {
            VK_VEC s = {0};
            for (long k = 0; k < inner; k++) s = s + SPLAT(ar[k]) * LD(b + k * ldb + col);
            ST(s, c + r * ldc + col);
        }
    }
#ifdef HALF
    if (whole < cols) VK_CAT(vk_multiply_, HALF)(rows, cols - whole, inner, a, lda, b + whole, ldb, c + whole, ldc);
#endif
}

/// Σ x[k] · y[k] for k < count: per lane over whole vectors, across the lanes, then the rest in order.
static inline __attribute__((unused)) float VK(vk_dot_)(const float *x, const float *y, long count) {
    long whole = count / VW * VW;
    VK_VEC s = {0};
    for (long k = 0; k < whole; k += VW) s = s + LD(x + k) * LD(y + k);
    float sum = VK(vk_sum_)(s);
    for (long k = whole; k < count; k++) sum += x[k] * y[k];
    return sum;
}

/// C [rows, cols] += A [rows, inner] · B [cols, inner]ᵀ: 4 × 2 dot products at a time, each
/// summed as `vk_dot_`.
static __attribute__((unused)) void VK(vk_accumulate_transposed_)(long rows, long cols, long inner, const float *a, long lda,
                                          const float *b, long ldb, float *c, long ldc) {
    long whole = inner / VW * VW, r = 0;
    for (; r + 4 <= rows; r += 4) {
        const float *a0 = a + r * lda, *a1 = a0 + lda, *a2 = a1 + lda, *a3 = a2 + lda;
        long col = 0;
        for (; col + 2 <= cols; col += 2) {
            const float *b0 = b + col * ldb, *b1 = b0 + ldb;
            VK_VEC s00 = {0}, s01 = {0}, s10 = {0}, s11 = {0}, s20 = {0}, s21 = {0}, s30 = {0}, s31 = {0};
            for (long k = 0; k < whole; k += VW) {
                VK_VEC x0 = LD(b0 + k), x1 = LD(b1 + k);
                VK_VEC w0 = LD(a0 + k), w1 = LD(a1 + k), w2 = LD(a2 + k), w3 = LD(a3 + k);
                s00 = s00 + w0 * x0; s01 = s01 + w0 * x1; s10 = s10 + w1 * x0; s11 = s11 + w1 * x1;
                s20 = s20 + w2 * x0; s21 = s21 + w2 * x1; s30 = s30 + w3 * x0; s31 = s31 + w3 * x1;
            }
            VK_VEC sums[4][2] = {{s00, s01}, {s10, s11}, {s20, s21}, {s30, s31}};
            const float *as[4] = {a0, a1, a2, a3}, *bs[2] = {b0, b1};
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 2; j++) {
                    float sum = VK(vk_sum_)(sums[i][j]);
                    for (long k = whole; k < inner; k++) sum += as[i][k] * bs[j][k];
                    c[(r + i) * ldc + col + j] += sum;
                }
            }
        }
        for (; col < cols; col++) {
            for (long i = r; i < r + 4; i++) c[i * ldc + col] += VK(vk_dot_)(a + i * lda, b + col * ldb, inner);
        }
    }
    for (; r < rows; r++) {
        for (long col = 0; col < cols; col++) c[r * ldc + col] += VK(vk_dot_)(a + r * lda, b + col * ldb, inner);
    }
}

// MARK: Winograd F(4×4, 3×3) tile transforms (matrices in Winograd4x4Kernels+Transforms.swift)

/// Bᵀ applied to one 6-vector of patch values.
static inline __attribute__((unused)) void VK(vk_bt_)(const VK_VEC d[6], VK_VEC r[6]) {
    VK_VEC sum12 = d[1] + d[2], sum34 = d[3] + d[4], diff12 = d[1] - d[2], diff43 = d[4] - d[3];
    VK_VEC diff42 = d[4] - d[2], diff31 = d[3] - d[1];
    r[0] = 4 * d[0] - 5 * d[2] + d[4];
    r[1] = sum34 - 4 * sum12;
    r[2] = diff43 + 4 * diff12;
    r[3] = diff42 + 2 * diff31;
    r[4] = diff42 - 2 * diff31;
    r[5] = 4 * d[1] - 5 * d[3] + d[5];
}

/// Aᵀ applied to one 6-vector of products.
static inline __attribute__((unused)) void VK(vk_at_)(const VK_VEC m[6], VK_VEC r[4]) {
    VK_VEC sum12 = m[1] + m[2], diff12 = m[1] - m[2], sum34 = m[3] + m[4], diff34 = m[3] - m[4];
    r[0] = m[0] + sum12 + sum34;
    r[1] = diff12 + 2 * diff34;
    r[2] = sum12 + 4 * sum34;
    r[3] = diff12 + 8 * diff34 + m[5];
}

/// A applied to one 4-vector of output gradients.
static inline __attribute__((unused)) void VK(vk_a_)(const VK_VEC e[4], VK_VEC r[6]) {
    VK_VEC even = e[0] + e[2], odd = e[1] + e[3], even4 = e[0] + 4 * e[2], odd4 = 2 * e[1] + 8 * e[3];
    r[0] = e[0]; r[1] = even + odd; r[2] = even - odd; r[3] = even4 + odd4; r[4] = even4 - odd4; r[5] = e[3];
}

/// Bᵀ d B for `count` (a multiple of 8) tiles whose patch position p = 6i + j starts at
/// `patches + p · run`; ξ = 6k + l goes to `out + ξ · stride`.
static __attribute__((unused)) void VK(vk_winograd4_inputs_)(long count, const float *patches, long run, float *out, long stride) {
    long done = 0;
    for (; done + VW <= count; done += VW) {
        VK_VEC t[36], d[6], r[6];
        for (int i = 0; i < 6; i++) {  // (d B): row i's column l to t[6l + i].
            for (int j = 0; j < 6; j++) d[j] = LD(patches + (6 * i + j) * run + done);
            VK(vk_bt_)(d, r);
            for (int l = 0; l < 6; l++) t[6 * l + i] = r[l];
        }
        for (int l = 0; l < 6; l++) {
            VK(vk_bt_)(t + 6 * l, r);
            for (int k = 0; k < 6; k++) ST(r[k], out + (6 * k + l) * stride + done);
        }
    }
#ifdef HALF
    if (done < count) VK_CAT(vk_winograd4_inputs_, HALF)(count - done, patches + done, run, out + done, stride);
#endif
}

/// Aᵀ m A for `count` (a multiple of 8) tiles whose ξ planes start `stride` apart at `m`; output
/// pixel (r, col) goes to `out + (4r + col) · run`.
static __attribute__((unused)) void VK(vk_winograd4_outputs_)(long count, const float *m, long stride, float *out, long run) {
    long done = 0;
    for (; done + VW <= count; done += VW) {
        VK_VEC t[24], v[6], r[4];
        for (int l = 0; l < 6; l++) {  // (Aᵀ m): column l's row q to t[6q + l].
            for (int k = 0; k < 6; k++) v[k] = LD(m + (6 * k + l) * stride + done);
            VK(vk_at_)(v, r);
            for (int q = 0; q < 4; q++) t[6 * q + l] = r[q];
        }
        for (int q = 0; q < 4; q++) {
            VK(vk_at_)(t + 6 * q, r);
            for (int col = 0; col < 4; col++) ST(r[col], out + (4 * q + col) * run + done);
        }
    }
#ifdef HALF
    if (done < count) VK_CAT(vk_winograd4_outputs_, HALF)(count - done, m + done, stride, out + done, run);
#endif
}

/// A e Aᵀ for `count` (a multiple of 8) tiles whose pixel (r, col) starts at
/// `grads + r · rowPitch + col · run`; ξ = 6k + l goes to `out + ξ · stride`.
static __attribute__((unused)) void VK(vk_winograd4_gradients_)(long count, const float *grads, long run, long rowPitch, float *out,
                                        long stride) {
    long done = 0;
    for (; done + VW <= count; done += VW) {
        VK_VEC t[24], e[4], g[6];
        for (int r = 0; r < 4; r++) {  // (e Aᵀ): row r's column l to t[4l + r].
            for (int col = 0; col < 4; col++) e[col] = LD(grads + r * rowPitch + col * run + done);
            VK(vk_a_)(e, g);
            for (int l = 0; l < 6; l++) t[4 * l + r] = g[l];
        }
        for (int l = 0; l < 6; l++) {
            VK(vk_a_)(t + 4 * l, g);
            for (int k = 0; k < 6; k++) ST(g[k], out + (6 * k + l) * stride + done);
        }
    }
#ifdef HALF
    if (done < count) {
        VK_CAT(vk_winograd4_gradients_, HALF)(count - done, grads + done, run, rowPitch, out + done, stride);
    }
#endif
}

// MARK: Batch-norm planes (FusedBatchNormKernels)

/// (Σ(p − shift), Σ(p − shift)²) over `count` values: per lane in float over whole vectors, across
/// the lanes, then the rest in double.
static __attribute__((unused)) void VK(vk_shifted_sums_)(const float *p, long count, float shift, double sums[2]) {
    VK_VEC s = {0}, q = {0}, k = SPLAT(shift);
    long i = 0;
    for (; i + VW <= count; i += VW) {
        VK_VEC d = LD(p + i) - k;
        s = s + d; q = q + d * d;
    }
    double sum = VK(vk_sum_)(s), squares = VK(vk_sum_)(q);
    for (; i < count; i++) {
        double d = (double)(p[i] - shift);
        sum += d; squares += d * d;
    }
    sums[0] = sum; sums[1] = squares;
}

/// (Σdy, Σdy·(z − mu)) over `count` values, summed as `vk_shifted_sums_`.
static __attribute__((unused)) void VK(vk_gradient_sums_)(const float *dy, const float *z, long count, float mu,
                                                          double sums[2]) {
    VK_VEC s = {0}, q = {0}, m = SPLAT(mu);
    long i = 0;
    for (; i + VW <= count; i += VW) {
        VK_VEC g = LD(dy + i);
        s = s + g; q = q + g * (LD(z + i) - m);
    }
    double total = VK(vk_sum_)(s), centered = VK(vk_sum_)(q);
    for (; i < count; i++) {
        total += (double)dy[i]; centered += (double)dy[i] * (double)(z[i] - mu);
    }
    sums[0] = total; sums[1] = centered;
}

/// y = a·z + b (`overwrite`) or y += a·z + b over `count` values.
static __attribute__((unused)) void VK(vk_affine_plane_)(const float *z, long count, float a, float b, int overwrite,
                                                         float *y) {
    VK_VEC va = SPLAT(a), vb = SPLAT(b);
    long i = 0;
    if (overwrite) {
        for (; i + VW <= count; i += VW) ST(va * LD(z + i) + vb, y + i);
        for (; i < count; i++) y[i] = a * z[i] + b;
    } else {
        for (; i + VW <= count; i += VW) ST(LD(y + i) + (va * LD(z + i) + vb), y + i);
        for (; i < count; i++) y[i] += a * z[i] + b;
    }
}

#undef LD
#undef ST
#undef SPLAT
#undef VK_VEC
#undef VK
#undef VK_CAT
#undef VK_CAT2
