import type { Config } from '@docusaurus/types';
import type * as Preset from '@docusaurus/preset-classic';
import { themes as prismThemes } from 'prism-react-renderer';

// The docs build runs inside `npm test` on small machines with no internet
// access, so this config avoids anything that reaches the network at build
// time (no Algolia, no web fonts, no analytics) and anything slow that the
// portal does not need (blog, sitemap, git history look-ups).
const config: Config = {
  title: 'SomaAgent',
  tagline: 'Temporal-native platform for production AI work',
  url: 'http://localhost',
  baseUrl: '/',
  trailingSlash: false,

  onBrokenLinks: 'throw',
  onBrokenAnchors: 'throw',
  onDuplicateRoutes: 'throw',

  markdown: {
    // .md files are plain CommonMark, .mdx files are MDX.
    format: 'detect',
    hooks: {
      onBrokenMarkdownLinks: 'throw',
      onBrokenMarkdownImages: 'throw',
    },
  },

  future: {
    // Do not shell out to git for "last updated" data: we do not show it.
    experimental_vcs: 'disabled',
  },

  i18n: { defaultLocale: 'en', locales: ['en'] },

  presets: [
    [
      'classic',
      {
        docs: {
          routeBasePath: '/',
          sidebarPath: './sidebars.ts',
          showLastUpdateAuthor: false,
          showLastUpdateTime: false,
        },
        blog: false,
        pages: false,
        sitemap: false,
        svgr: false,
        theme: { customCss: './src/css/custom.css' },
      } satisfies Preset.Options,
    ],
  ],

  themeConfig: {
    navbar: {
      title: 'SomaAgent',
      items: [
        { type: 'doc', docId: 'getting-started', label: 'Getting started', position: 'left' },
        { type: 'doc', docId: 'api/overview', label: 'API', position: 'left' },
        { type: 'doc', docId: 'concepts/durable-completions', label: 'Concepts', position: 'left' },
      ],
    },
    footer: {
      style: 'dark',
      copyright: 'SomaAgent',
    },
    colorMode: { respectPrefersColorScheme: true },
    prism: {
      theme: prismThemes.github,
      darkTheme: prismThemes.dracula,
      additionalLanguages: ['bash', 'json'],
    },
  } satisfies Preset.ThemeConfig,
};

export default config;
