extension Graph {
    /// Batch normalisation over N, H, W for each channel of `x` [N, C, H, W], then `γ·x̂ + β`
    /// (`gamma`, `beta` shape [C]).
    ///
    /// - `training: true`: normalises with the batch mean and BIASED batch variance and updates
    ///   `statistics` (see `BatchNormStatistics`). Needs more than one value per channel.
    /// - `training: false`: normalises with the running statistics; leaves them unchanged.
    /// Backward is hand-fused: dx = γ·invstd/M · (M·dy − Σdy − x̂·Σ(dy·x̂)) in training mode.
    public func batchNorm2d(_ x: Variable, gamma: Variable, beta: Variable,
                            statistics: BatchNormStatistics, training: Bool) -> Variable {
        let input = value(x), scale = value(gamma), shift = value(beta)
        precondition(input.rank == 4, "batchNorm2d input must be [N, C, H, W], got \(input.shape)")
        let channels = input.shape[1]
        precondition(scale.shape == [channels] && shift.shape == [channels] && statistics.channels == channels,
                     "batchNorm2d: γ \(scale.shape), β \(shift.shape), statistics [\(statistics.channels)] must all be [\(channels)]")
        let layout = PlaneLayout(shape: input.shape)
        let moments: BatchNormKernels.Moments
        if training {
            precondition(layout.valuesPerChannel > 1, "batchNorm2d training needs more than one value per channel")
            moments = BatchNormKernels.batchMoments(input, layout, epsilon: statistics.epsilon)
            BatchNormKernels.updateRunningStatistics(statistics, with: moments, valuesPerChannel: layout.valuesPerChannel)
        } else {
            moments = BatchNormKernels.runningMoments(statistics)
        }
        let (out, normalized) = BatchNormKernels.normalize(input, layout, moments, gamma: scale, beta: shift,
                                                            keepNormalized: isRecording)
        return record(out, inputs: [x, gamma, beta]) { grad, g in
            let r = BatchNormKernels.backward(outputGradient: grad, normalized: normalized!, layout, moments,
                                              gamma: scale, training: training, needInput: g.requiresGradient(x))
            if let dx = r.input { g.accumulate(dx, into: x) }
            g.accumulate(r.gamma, into: gamma)
            g.accumulate(r.beta, into: beta)
        }
    }
}
