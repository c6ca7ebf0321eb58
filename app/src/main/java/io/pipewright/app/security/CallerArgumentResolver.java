package io.pipewright.app.security;

import io.pipewright.kernel.access.Caller;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.web.reactive.BindingContext;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import org.springframework.web.reactive.result.method.HandlerMethodArgumentResolver;
import org.springframework.web.reactive.result.method.annotation.ArgumentResolverConfigurer;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Lets controllers take a {@link Caller} parameter without knowing Spring Security. */
@Configuration(proxyBeanMethods = false)
class CallerArgumentResolver implements WebFluxConfigurer, HandlerMethodArgumentResolver {

    private final Memberships memberships;

    CallerArgumentResolver(Memberships memberships) {
        this.memberships = memberships;
    }

    @Override
    public void configureArgumentResolvers(ArgumentResolverConfigurer configurer) {
        configurer.addCustomResolver(this);
    }

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return parameter.getParameterType().equals(Caller.class);
    }

    @Override
    public Mono<Object> resolveArgument(MethodParameter parameter, BindingContext bindingContext,
                                        ServerWebExchange exchange) {
        // Memberships are read with JDBC: off the event loop.
        return ReactiveSecurityContextHolder.getContext()
                .map(context -> context.getAuthentication().getName())
                .publishOn(Schedulers.boundedElastic())
                .map(memberships::callerNamed);
    }
}
