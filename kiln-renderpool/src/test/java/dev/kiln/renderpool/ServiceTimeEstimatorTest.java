package dev.kiln.renderpool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ServiceTimeEstimatorTest {

    @Test
    void seedPredictsInitialTimeForReferenceCost() {
        ServiceTimeEstimator estimator = new ServiceTimeEstimator(100_000_000L, 1_000);

        assertThat(estimator.nanosPerUnit()).isEqualTo(100_000.0);
    }

    @Test
    void samplesMoveTheAverageByItsWeight() {
        ServiceTimeEstimator estimator = new ServiceTimeEstimator(1_000, 1);

        estimator.onSuccess(10, 30_000); // 3000 per unit
        assertThat(estimator.nanosPerUnit()).isCloseTo(1_000 + ServiceTimeEstimator.WEIGHT * 2_000, within(1e-9));

        double before = estimator.nanosPerUnit();
        estimator.onDropped(1, 0);
        assertThat(estimator.nanosPerUnit()).isCloseTo(before * (1 - ServiceTimeEstimator.WEIGHT), within(1e-9));
    }

    @Test
    void ignoredOutcomesLeaveTheAverageAlone() {
        ServiceTimeEstimator estimator = new ServiceTimeEstimator(5_000, 5);

        estimator.onIgnore();

        assertThat(estimator.nanosPerUnit()).isEqualTo(1_000.0);
    }
}
