// Lets TypeScript import an .html file as its text: esbuild's text loader (`loader: { '.html':
// 'text' }` in esbuild.config.mjs) embeds the file in the bundle as one string.
declare module '*.html' {
  const content: string;
  export default content;
}
