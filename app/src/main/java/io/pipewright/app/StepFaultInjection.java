package io.pipewright.app;

import io.pipewright.sagas.provisioning.ProvisioningStep;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.ClassUtils;

/**
 * Fault injection for the crash tests, off unless {@code pipewright.fault-injection.hold-directory} is set: after a
 * step converged its resource and before the saga records it, the step announces {@code <step>.entered} there and
 * waits while a file named after the step exists; after it removed its resource in a teardown, the same with
 * {@code <step>.remove}. A test kills the control plane at that moment, the worst one for idempotency (the resource
 * exists or is gone, the events do not say so).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty("pipewright.fault-injection.hold-directory")
class StepFaultInjection {

    private static final Duration POLL = Duration.ofMillis(100);

    @Bean
    static BeanPostProcessor holdAfterConverge(
            @Value("${pipewright.fault-injection.hold-directory}") String directory) {
        Path holds = Path.of(directory);
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String name) {
                if (!(bean instanceof ProvisioningStep step)) {
                    return bean;
                }
                return Proxy.newProxyInstance(bean.getClass().getClassLoader(),
                        ClassUtils.getAllInterfaces(bean), (proxy, method, arguments) -> {
                            try {
                                Object result = method.invoke(bean, arguments);
                                if (method.getName().equals("converge")) {
                                    holdWhileAsked(holds, step.step().wireName());
                                } else if (method.getName().equals("remove")) {
                                    holdWhileAsked(holds, step.step().wireName() + ".remove");
                                }
                                return result;
                            } catch (InvocationTargetException e) {
                                throw e.getCause();
                            }
                        });
            }
        };
    }

    private static void holdWhileAsked(Path holds, String point) throws IOException {
        Path hold = holds.resolve(point);
        if (Files.exists(hold)) {
            Files.writeString(holds.resolve(point + ".entered"), "");
            while (Files.exists(hold)) {
                try {
                    Thread.sleep(POLL.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
