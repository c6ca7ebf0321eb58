package io.pipewright.accounts;

import io.pipewright.kernel.access.Caller;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.web.reactive.BindingContext;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import org.springframework.web.reactive.result.method.HandlerMethodArgumentResolver;
import org.springframework.web.reactive.result.method.annotation.ArgumentResolverConfigurer;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Lets controllers take a {@link Caller} parameter without knowing Spring Security: the caller and their memberships
 * as the authentication found them, so a request reads its memberships at most once (none when remembered). The
 * authentication leaves the caller on the request ({@link Caller#REQUEST_ATTRIBUTE}, see {@link SecurityConfiguration}),
 * where functional routes read it too.
 */
@Configuration(proxyBeanMethods = false)
class CallerArgumentResolver implements WebFluxConfigurer, HandlerMethodArgumentResolver {

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
        Caller caller = exchange.getAttribute(Caller.REQUEST_ATTRIBUTE);
        return Mono.justOrEmpty(caller);
    }
}
