/* MathJax for the tutorial pages, from this site and not from a CDN, so the maths shows
   when site/index.html is opened from disk. mkdocs-jupyter loads this file in place of
   MathJax (mkdocs.yml: custom_mathjax_url); it configures MathJax 3 for the notebooks'
   $...$ and $$...$$ and then loads tex-svg-full.js (all TeX packages, SVG output: no
   fonts or extensions to fetch), which docs/hooks.py copies from the django-static-mathjax
   package. */
window.MathJax = {
  tex: {
    inlineMath: [["$", "$"], ["\\(", "\\)"]],
    displayMath: [["$$", "$$"], ["\\[", "\\]"]],
    processEscapes: true,
    processEnvironments: true,
  },
  svg: {fontCache: "global"},
};
(function () {
  var script = document.createElement("script");
  script.src = document.currentScript.src.replace(/mathjax\.js$/, "tex-svg-full.js");
  script.async = true;
  document.head.appendChild(script);
})();
