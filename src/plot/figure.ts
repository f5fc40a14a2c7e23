// A figure: a Vega-Lite spec, compiled to Vega and rendered by Vega's headless View (no DOM) to
// an SVG string, or by the same View into a page's element.
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { fail } from '../core/errors.js';
import { describe } from '../core/options.js';

/** The Vega spec that Vega-Lite compiles a figure to (what `vega.parse` takes). */
export type VegaSpec = ReturnType<typeof compile>['spec'];

/** A chart: its Vega-Lite `spec`, rendered to SVG (`toSVG`, any runtime) or into a page (`mount`, browsers). */
export class Figure {
  /** The Vega-Lite spec: open it in the Vega editor, or hand it to vega-embed for tooltips and actions. */
  readonly spec: TopLevelSpec;

  constructor(spec: TopLevelSpec) {
    this.spec = spec;
  }

  /** The compiled Vega spec. */
  toVega(): VegaSpec {
    return compile(this.spec).spec;
  }

  /**
   * The figure as a standalone SVG document (`<svg xmlns=...>...</svg>`), rendered without a DOM:
   * what to write to a .svg file in Node or Deno, or to put in a page as markup.
   */
  async toSVG(): Promise<string> {
    const view = new View(parse(this.toVega()), { renderer: 'none' });
    try {
      return await view.toSVG();
    } finally {
      view.finalize();
    }
  }

  /**
   * Browsers: draws the figure as SVG into `element` (or the element a CSS selector names),
   * replacing what it held, and resolves with the Vega View (call its `finalize()` when the
   * figure goes away).
   */
  async mount(element: Element | string): Promise<View> {
    if (typeof element !== 'string' && (typeof element !== 'object' || element === null || !('appendChild' in element))) {
      fail('BAD_OPTION', `mount takes a DOM element or a CSS selector; got ${describe(element)}`);
    }
    const view = new View(parse(this.toVega()), { renderer: 'svg', container: element, hover: true });
    await view.runAsync();
    return view;
  }
}
