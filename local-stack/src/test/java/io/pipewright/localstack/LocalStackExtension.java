package io.pipewright.localstack;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/** Injects one {@link LocalStack} shared by every test of the run; started on first use, closed when the run ends. */
final class LocalStackExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(LocalStackExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == LocalStack.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(SharedStack.class, key -> SharedStack.start(), SharedStack.class)
                .stack();
    }

    private record SharedStack(LocalStack stack) implements ExtensionContext.Store.CloseableResource {

        static SharedStack start() {
            return new SharedStack(LocalStack.builder().workDirectory(Path.of("target", "local-stack")).start());
        }

        @Override
        public void close() {
            stack.close();
        }
    }
}
