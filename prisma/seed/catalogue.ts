import type { TRandom } from '@acsa/corpus/prng';

/**
 * The demo catalogue: brand-free product lines crossed with product kinds, per category. Names read like
 * a real shop's, and the product-name gazetteer (entity extraction) and the bootstrap corpus use them.
 */
type TKind = { noun: string; priceCents: number };
type TCategorySpec = { slug: string; name: string; lines: readonly string[]; kinds: readonly TKind[] };

const k = (noun: string, dollars: number): TKind => ({ noun, priceCents: Math.round(dollars * 100) });

export const CATEGORY_SPECS: readonly TCategorySpec[] = [
  {
    slug: 'audio',
    name: 'Audio',
    lines: ['Aurora', 'Nimbus', 'Echo', 'Pulse', 'Sonic', 'Halo', 'Drift'],
    kinds: [
      k('Wireless Earbuds', 79),
      k('Noise-Cancelling Headphones', 199),
      k('Bluetooth Speaker', 59),
      k('Soundbar', 149),
      k('Turntable', 229),
    ],
  },
  {
    slug: 'wearables',
    name: 'Wearables',
    lines: ['Orbit', 'Stride', 'Vital', 'Tempo', 'Zenith', 'Motion'],
    kinds: [
      k('Smartwatch', 249),
      k('Fitness Tracker', 69),
      k('Heart Rate Strap', 45),
      k('Smart Ring', 299),
      k('Kids Watch', 89),
    ],
  },
  {
    slug: 'computers',
    name: 'Computers & Accessories',
    lines: ['Vertex', 'Glide', 'Tactile', 'Quantum', 'Pixel', 'Nova', 'Apex'],
    kinds: [
      k('27" Monitor', 279),
      k('Wireless Mouse', 29),
      k('Mechanical Keyboard', 99),
      k('USB-C Hub', 49),
      k('Laptop Stand', 39),
    ],
  },
  {
    slug: 'home-office',
    name: 'Home Office',
    lines: ['Ergo', 'Summit', 'Focus', 'Atlas', 'Studio', 'Lumen'],
    kinds: [
      k('Office Chair', 329),
      k('Standing Desk', 449),
      k('Desk Lamp', 45),
      k('Monitor Arm', 89),
      k('Desk Organizer', 25),
    ],
  },
  {
    slug: 'kitchen',
    name: 'Kitchen',
    lines: ['BrewMaster', 'Chef', 'Kettle', 'Copper', 'Rustic', 'Urban', 'Harvest'],
    kinds: [
      k('Coffee Grinder', 69),
      k('Cast Iron Skillet', 49),
      k('Electric Kettle', 39),
      k('Knife Set', 119),
      k('Blender', 89),
    ],
  },
  {
    slug: 'home-living',
    name: 'Home & Living',
    lines: ['AirPure', 'Hearth', 'Willow', 'Cove', 'Nordic', 'Terra'],
    kinds: [
      k('Air Purifier', 179),
      k('Robot Vacuum', 299),
      k('Scented Candle', 19),
      k('Wall Clock', 35),
      k('Floor Lamp', 119),
    ],
  },
  {
    slug: 'bedding-bath',
    name: 'Bedding & Bath',
    lines: ['CloudRest', 'Linen', 'Cotton', 'Serene', 'Drift', 'Velvet'],
    kinds: [
      k('Memory Foam Pillow', 49),
      k('Duvet Cover', 89),
      k('Bath Towel Set', 39),
      k('Weighted Blanket', 129),
      k('Bath Robe', 59),
    ],
  },
  {
    slug: 'outdoor',
    name: 'Outdoor & Camping',
    lines: ['TrailBlazer', 'Summit', 'Ridge', 'Basecamp', 'Canyon', 'Alpine'],
    kinds: [
      k('Camping Tent 2-Person', 189),
      k('Hiking Backpack 35L', 119),
      k('Sleeping Bag', 99),
      k('Headlamp', 29),
      k('Insulated Water Bottle', 32),
    ],
  },
  {
    slug: 'sports-fitness',
    name: 'Sports & Fitness',
    lines: ['Core', 'Flex', 'Power', 'Agile', 'Iron', 'Balance'],
    kinds: [
      k('Yoga Mat', 39),
      k('Adjustable Dumbbell Set', 249),
      k('Resistance Bands', 25),
      k('Foam Roller', 29),
      k('Jump Rope', 15),
    ],
  },
  {
    slug: 'apparel',
    name: 'Apparel',
    lines: ['Classic', 'Everyday', 'Merino', 'Urban', 'Coastal', 'Heritage', 'Metro'],
    kinds: [
      k('Denim Jacket', 89),
      k('Crew Neck T-Shirt', 22),
      k('Slim Fit Chinos', 59),
      k('Rain Shell Jacket', 129),
      k('Wool Beanie', 25),
    ],
  },
  {
    slug: 'shoes',
    name: 'Shoes',
    lines: ['TrailRunner', 'Street', 'Cloud', 'Sprint', 'Terrain', 'Harbor'],
    kinds: [
      k('Running Shoes', 119),
      k('Leather Sneakers', 99),
      k('Hiking Boots', 159),
      k('Slip-On Loafers', 79),
      k('Sandals', 45),
    ],
  },
  {
    slug: 'beauty',
    name: 'Beauty',
    lines: ['Glow', 'Pure', 'Bloom', 'Dew', 'Velvet', 'Radiance'],
    kinds: [
      k('Vitamin C Face Serum', 34),
      k('Hydrating Night Cream', 42),
      k('Cleansing Balm', 28),
      k('SPF 50 Sunscreen', 24),
      k('Hair Oil', 26),
    ],
  },
  {
    slug: 'toys-kids',
    name: 'Toys & Kids',
    lines: ['Tiny', 'Builder', 'Wonder', 'Happy', 'Explorer', 'Sunny'],
    kinds: [
      k('Wooden Building Blocks', 35),
      k('Art Easel', 69),
      k('Puzzle 500 Pieces', 19),
      k('Plush Bear', 24),
      k('Balance Bike', 99),
    ],
  },
];

export type TSeedCategory = { slug: string; name: string };
export type TSeedProduct = {
  sku: string;
  name: string;
  description: string;
  categorySlug: string;
  priceCents: number;
  stock: number;
};

const ADJECTIVES = [
  'durable',
  'lightweight',
  'best-selling',
  'award-winning',
  'everyday',
  'premium',
  'compact',
];

/** Every line × kind of a category is a product: 13 categories, 30–35 products each. */
export function buildCatalogue(random: TRandom): { categories: TSeedCategory[]; products: TSeedProduct[] } {
  const products: TSeedProduct[] = [];
  for (const [ci, c] of CATEGORY_SPECS.entries()) {
    for (const [li, line] of c.lines.entries()) {
      for (const [ki, kind] of c.kinds.entries()) {
        // Prices vary by line around the kind's base, ending in .99 or .00 like a shop's.
        const cents =
          Math.round((kind.priceCents * (0.8 + random.next() * 0.5)) / 100) * 100 -
          (random.chance(0.7) ? 1 : 0);
        products.push({
          sku: `${c.slug.slice(0, 3).toUpperCase()}-${String(ci + 1).padStart(2, '0')}${li}${ki}`,
          name: `${line} ${kind.noun}`,
          description: `The ${random.pick(ADJECTIVES)} ${kind.noun.toLowerCase()} from our ${line} line. Free returns within 30 days.`,
          categorySlug: c.slug,
          priceCents: Math.max(999, cents),
          stock: random.chance(0.06) ? 0 : random.between(3, 250),
        });
      }
    }
  }
  return { categories: CATEGORY_SPECS.map(({ slug, name }) => ({ slug, name })), products };
}
