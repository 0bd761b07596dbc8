import FathomKernels
import FathomNN
import Foundation
import Testing

/// The optimizer, the schedule and the loss against values worked out by hand (PyTorch's definitions).
@Suite struct OptimizerTests {
    @Test func cosineScheduleWithWarmUp() {
        let s = LearningRateSchedule(base: 0.1, warmupSteps: 4, totalSteps: 14)
        #expect(abs(s.rate(at: 0) - 0.025) < 1e-12)
        #expect(abs(s.rate(at: 3) - 0.1) < 1e-12)
        #expect(abs(s.rate(at: 4) - 0.1) < 1e-12)
        #expect(abs(s.rate(at: 9) - 0.05) < 1e-12)
        #expect(abs(s.rate(at: 14)) < 1e-12)
    }

    @Test func nesterovMomentumWithWeightDecay() {
        let w = AlignedBuffer(count: 1), g = AlignedBuffer(count: 1), b = AlignedBuffer(count: 1), gb = AlignedBuffer(count: 1)
        w.baseAddress[0] = 1; g.baseAddress[0] = 0.5; b.baseAddress[0] = 1; gb.baseAddress[0] = 0.5
        let sgd = SGD(parameters: [.init(value: w, gradient: g, decays: true), .init(value: b, gradient: gb, decays: false)],
                      momentum: 0.9, nesterov: true, weightDecay: 0.1)
        sgd.step(rate: 0.1)
        // d = 0.5 + 0.1·1 = 0.6, v = 0.6, w -= 0.1·(0.6 + 0.9·0.6) = 0.114.
        #expect(abs(w.baseAddress[0] - 0.886) < 1e-6)
        #expect(abs(b.baseAddress[0] - (1 - 0.1 * 0.5 * 1.9)) < 1e-6)
        sgd.step(rate: 0.1, active: [false, true])
        #expect(abs(w.baseAddress[0] - 0.886) < 1e-6)
    }

    @Test func labelSmoothingLossAndGradient() {
        let logits: [Float] = [2, 0, -1]
        var gradient = [Float](repeating: 0, count: 3)
        let result = ClassificationLoss.labels(logits: logits, labels: [0], classes: 3, smoothing: 0.3, gradient: &gradient)
        let z = logits.map(Double.init), logSum = log(z.map(exp).reduce(0, +))
        let targets = [0.8, 0.1, 0.1]
        let expected = -zip(targets, z).map { $0 * ($1 - logSum) }.reduce(0, +)
        #expect(abs(result.loss - expected) < 1e-6)
        #expect(result.correct == 1)
        for k in 0..<3 { #expect(abs(Double(gradient[k]) - (exp(z[k] - logSum) - targets[k])) < 1e-6) }
    }
}
