// Relative URLs, so that the page also works behind a reverse proxy's path prefix.
window.addEventListener('load', () => {
  window.ui = SwaggerUIBundle({ url: 'v3/api-docs', dom_id: '#swagger-ui', deepLinking: true });
});
