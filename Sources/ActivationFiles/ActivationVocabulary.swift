import Redundancy

// The MSRS vocabulary that the activation commands' options and results are written in, named
// here so that a client of this module (the CLI) needs no import of the numeric layer.

/// How each tapped activation becomes a feature matrix (global average pooling or flattening).
package typealias FeatureReduction = Redundancy.FeatureReduction
/// The linear-CKA estimator (unbiased or biased).
package typealias CKAEstimator = Redundancy.CKAEstimator
/// β, τ and the estimator of an MSRS measurement.
package typealias MSRSParameters = Redundancy.MSRSParameters
/// An MSRS measurement: score or why it is undefined, CKA matrix, adjacent similarities, batches.
package typealias MSRSResult = Redundancy.MSRSResult
